import Domain

/// JSON schemas of the wire types, referenced by name from `Endpoint.request`/`response`.
enum OpenAPISchemas {
    static func object(_ properties: [String: [String: Any]], required: [String]) -> [String: Any] {
        ["type": "object", "properties": properties, "required": required, "additionalProperties": false]
    }
    static func string(_ format: String? = nil, maxLength: Int? = nil, values: [String]? = nil, nullable: Bool = false) -> [String: Any] {
        var schema: [String: Any] = ["type": nullable ? ["string", "null"] : "string"]
        if let format { schema["format"] = format }
        if let maxLength { schema["maxLength"] = maxLength }
        if let values { schema["enum"] = nullable ? values + [Optional<String>.none as Any] : values }
        return schema
    }
    static var integer: [String: Any] { ["type": "integer"] }
    static var number: [String: Any] { ["type": "number"] }
    static var counts: [String: Any] { ["type": "object", "additionalProperties": integer] }
    static var rate: [String: Any] { OpenAPIDocument.ref("Rate") }
    static func list(_ item: String) -> [String: Any] {
        object(["items": ["type": "array", "items": OpenAPIDocument.ref(item)]], required: ["items"])
    }
    static var boolean: [String: Any] { ["type": "boolean"] }
    static func page(_ item: String) -> [String: Any] {
        object(["items": ["type": "array", "items": OpenAPIDocument.ref(item)], "nextCursor": string(nullable: true)], required: ["items", "nextCursor"])
    }

    static let siteKinds = Site.Kind.allCases.map(\.rawValue)
    static let departmentKinds = DepartmentKind.allCases.map(\.rawValue)
    static let educations = Education.allCases.map(\.rawValue)
    static let postLevels = PostLevel.allCases.map(\.rawValue)
    static let channels = TicketChannel.allCases.map(\.rawValue)
    static let followUpClasses = FollowUpClass.allCases.map(\.rawValue)
    static let severities = ComplaintSeverity.allCases.map(\.rawValue)
    static let importances = EscalationImportance.allCases.map(\.rawValue)

    static var all: [String: Any] { [
        "Problem": object([
            "type": string("uri"), "title": string(), "status": integer, "detail": string(), "code": string(),
            "errors": ["type": "array", "items": OpenAPIDocument.ref("ProblemFieldError")],
        ], required: ["type", "title", "status", "detail", "code", "errors"]),
        "ProblemFieldError": object(["field": string(), "code": string(), "message": string()], required: ["field", "code", "message"]),
        "Rate": object(["numerator": integer, "denominator": integer, "rate": ["type": ["number", "null"]]], required: ["numerator", "denominator"]),
        "Health": object(["status": string()], required: ["status"]),
        "SignIn": object(["username": string(maxLength: 64), "password": string(maxLength: 200), "expiresInHours": ["type": "integer", "minimum": 1, "maximum": 720],
                          "label": string(maxLength: 100, nullable: true)], required: ["username", "password"]),
        "IssuedToken": object(["token": string(), "tokenId": string("uuid"), "expiresAt": string("date-time")], required: ["token", "tokenId", "expiresAt"]),
        "Readiness": object(["status": string(), "database": string(), "appliedMigrations": integer, "pendingMigrations": ["type": "array", "items": integer]],
                            required: ["status", "database", "appliedMigrations", "pendingMigrations"]),
        "Site": object([
            "id": string("uuid"), "code": string(), "name": string(), "kind": string(values: siteKinds), "timezone": string(),
            "region": string(nullable: true), "status": string(values: Site.Status.allCases.map(\.rawValue)), "createdAt": string("date-time"), "version": integer,
        ], required: ["id", "code", "name", "kind", "timezone", "status", "createdAt", "version"]),
        "SitePage": page("Site"),
        "NewSite": object([
            "code": string(maxLength: 16), "name": string(maxLength: 200), "kind": string(values: siteKinds), "timezone": string(), "region": string(maxLength: 100, nullable: true),
        ], required: ["code", "name", "kind"]),
        "Department": object([
            "id": string("uuid"), "code": string(), "name": string(), "kind": string(values: departmentKinds), "active": boolean,
            "version": integer, "createdAt": string("date-time"), "updatedAt": string("date-time"),
        ], required: ["id", "code", "name", "kind", "active", "version", "createdAt", "updatedAt"]),
        "DepartmentPage": page("Department"),
        "NewDepartment": object(["code": string(maxLength: 32), "name": string(maxLength: 100), "kind": string(values: departmentKinds)], required: ["code", "name", "kind"]),
        "DepartmentChanges": object(["name": string(maxLength: 100), "kind": string(values: departmentKinds)], required: []),
        "StaffMember": object([
            "id": string("uuid"), "employeeNo": string(), "name": string(), "phone": string(nullable: true), "departmentId": string("uuid"),
            "postId": string("uuid", nullable: true), "education": string(values: educations, nullable: true), "hireDate": string("date"),
            "probationUntil": string("date", nullable: true), "mentorId": string("uuid", nullable: true), "isVeteran": boolean,
            "status": string(values: ["active", "inactive"]), "version": integer, "createdAt": string("date-time"), "updatedAt": string("date-time"),
            "supervisorId": string("uuid", nullable: true),
        ], required: ["id", "employeeNo", "name", "departmentId", "hireDate", "isVeteran", "status", "version", "createdAt", "updatedAt"]),
        "StaffPage": page("StaffMember"),
        "NewStaffMember": object([
            "employeeNo": string(maxLength: 32), "name": string(maxLength: 100), "phone": string(maxLength: 20, nullable: true), "departmentId": string("uuid"),
            "postId": string("uuid", nullable: true), "education": string(values: educations, nullable: true), "hireDate": string("date"),
            "probationUntil": string("date", nullable: true), "mentorId": string("uuid", nullable: true), "isVeteran": boolean,
            "supervisorId": string("uuid", nullable: true),
        ], required: ["employeeNo", "name", "departmentId", "hireDate"]),
        "StaffChanges": object([
            "name": string(maxLength: 100), "phone": string(maxLength: 20, nullable: true), "departmentId": string("uuid"),
            "postId": string("uuid", nullable: true), "education": string(values: educations, nullable: true),
            "probationUntil": string("date", nullable: true), "mentorId": string("uuid", nullable: true), "isVeteran": boolean,
            "supervisorId": string("uuid", nullable: true),
        ], required: []),
        "Post": object([
            "id": string("uuid"), "code": string(), "name": string(), "departmentId": string("uuid", nullable: true),
            "requiredCertificates": ["type": "array", "items": string()], "level": string(values: postLevels), "veteransOnly": boolean,
            "active": boolean, "holders": integer, "unlicensedHolders": integer, "version": integer,
            "createdAt": string("date-time"), "updatedAt": string("date-time"),
        ], required: ["id", "code", "name", "requiredCertificates", "level", "veteransOnly", "active", "holders", "unlicensedHolders", "version", "createdAt", "updatedAt"]),
        "PostPage": page("Post"),
        "NewPost": object([
            "code": string(maxLength: 32), "name": string(maxLength: 100), "departmentId": string("uuid", nullable: true),
            "requiredCertificates": ["type": "array", "items": string(maxLength: 64), "maxItems": 10],
            "level": string(values: postLevels), "veteransOnly": boolean,
        ], required: ["code", "name"]),
        "PostChanges": object([
            "name": string(maxLength: 100), "departmentId": string("uuid"), "requiredCertificates": ["type": "array", "items": string(maxLength: 64), "maxItems": 10],
            "level": string(values: postLevels), "veteransOnly": boolean,
        ], required: []),
        "Place": object([
            "id": string("uuid"), "code": string(), "kind": string(values: PlaceRoutes.kinds), "name": string(),
            "building": string(), "floor": string(), "unit": string(), "ward": string(), "bed": string(), "window": string(),
            "contactName": string(), "contactPhone": string(), "active": boolean, "version": integer,
            "createdAt": string("date-time"), "updatedAt": string("date-time"),
        ], required: ["id", "code", "kind", "name", "active", "version", "createdAt", "updatedAt"]),
        "PlacePage": page("Place"),
        "NewPlace": object([
            "code": string(maxLength: 40), "kind": string(values: PlaceRoutes.kinds), "name": string(maxLength: 200, nullable: true),
            "building": string(maxLength: 50, nullable: true), "floor": string(maxLength: 20, nullable: true), "unit": string(maxLength: 50, nullable: true),
            "ward": string(maxLength: 50, nullable: true), "bed": string(maxLength: 20, nullable: true), "window": string(maxLength: 50, nullable: true),
            "contactName": string(maxLength: 100, nullable: true), "contactPhone": string(maxLength: 30, nullable: true),
        ], required: ["code", "kind"]),
        "PlaceChanges": object([
            "name": string(maxLength: 200), "building": string(maxLength: 50), "floor": string(maxLength: 20), "unit": string(maxLength: 50),
            "ward": string(maxLength: 50), "bed": string(maxLength: 20), "window": string(maxLength: 50),
            "contactName": string(maxLength: 100), "contactPhone": string(maxLength: 30),
        ], required: []),
        "RepairItem": object([
            "id": string("uuid"), "code": string(), "name": string(), "scale": string(values: RepairItemRoutes.scales), "fee": number,
            "feeUnit": string(), "feeNote": string(), "active": boolean, "version": integer,
            "createdAt": string("date-time"), "updatedAt": string("date-time"),
        ], required: ["id", "code", "name", "scale", "active", "version", "createdAt", "updatedAt"]),
        "RepairItemPage": page("RepairItem"),
        "NewRepairItem": object([
            "code": string(maxLength: 32), "name": string(maxLength: 100), "scale": string(values: RepairItemRoutes.scales),
            "fee": ["type": ["number", "null"], "minimum": 0, "maximum": 1_000_000], "feeUnit": string(maxLength: 20, nullable: true),
            "feeNote": string(maxLength: 500, nullable: true),
        ], required: ["code", "name", "scale"]),
        "RepairItemChanges": object([
            "name": string(maxLength: 100), "scale": string(values: RepairItemRoutes.scales), "fee": ["type": "number", "minimum": 0, "maximum": 1_000_000],
            "feeUnit": string(maxLength: 20), "feeNote": string(maxLength: 500),
        ], required: []),
        "AuditEntry": object([
            "id": string("uuid"), "at": string("date-time"), "actorId": string("uuid", nullable: true), "actorRole": string(), "action": string(),
            "targetType": string(), "targetId": string(), "detail": ["type": "object", "additionalProperties": string()], "requestId": string(nullable: true),
        ], required: ["id", "at", "actorRole", "action", "targetType", "targetId", "detail"]),
        "AuditPage": page("AuditEntry"),
        "SiteUser": object([
            "userId": string("uuid"), "username": string(), "displayName": string(), "role": string(values: ["regional_manager", "site_manager", "site_agent", "site_staff"]),
            "staffId": string("uuid", nullable: true), "status": string(values: ["active", "disabled"]), "grantedAt": string("date-time"),
        ], required: ["userId", "username", "displayName", "role", "status", "grantedAt"]),
        "SiteUserPage": page("SiteUser"),
        "NewSiteUser": object([
            "username": string(maxLength: 64), "displayName": string(maxLength: 100), "role": string(values: ["regional_manager", "site_manager", "site_agent", "site_staff"]),
            "staffId": string("uuid", nullable: true), "password": string(maxLength: 200, nullable: true),
        ], required: ["username", "displayName", "role"]),
        "RoleGrant": object(["role": string(values: ["regional_manager", "site_manager", "site_agent", "site_staff"]), "staffId": string("uuid", nullable: true)], required: ["role"]),
        "CalendarHours": object(["weekday": ["type": "integer", "minimum": 1, "maximum": 7], "opens": string(), "closes": string()], required: ["weekday", "opens", "closes"]),
        "CalendarException": object(["date": string("date"), "working": boolean, "opens": string(nullable: true), "closes": string(nullable: true), "note": string(maxLength: 100, nullable: true)],
                                    required: ["date", "working"]),
        "Calendar": object([
            "code": string(), "name": string(), "isDefault": boolean, "version": integer,
            "weeklyHours": ["type": "array", "items": OpenAPIDocument.ref("CalendarHours")], "exceptions": ["type": "array", "items": OpenAPIDocument.ref("CalendarException")],
        ], required: ["code", "name", "isDefault", "version", "weeklyHours", "exceptions"]),
        "CalendarList": object(["items": ["type": "array", "items": OpenAPIDocument.ref("Calendar")]], required: ["items"]),
        "CalendarReplacement": object([
            "name": string(maxLength: 100), "weeklyHours": ["type": "array", "items": OpenAPIDocument.ref("CalendarHours")],
            "exceptions": ["type": "array", "items": OpenAPIDocument.ref("CalendarException")],
        ], required: ["weeklyHours", "exceptions"]),
        "WorkingDay": object([
            "date": string("date"), "weekday": integer, "working": boolean, "reason": string(values: ["weekly", "holiday", "make_up_day", "closed"]),
            "hours": ["type": "array", "items": OpenAPIDocument.ref("CalendarHours")], "note": string(nullable: true),
        ], required: ["date", "weekday", "working", "reason", "hours"]),
        "TicketReporter": object(["name": string(maxLength: 100, nullable: true), "phone": string(maxLength: 30, nullable: true), "unit": string(maxLength: 100, nullable: true)],
                                 required: []),
        "TicketMaterial": object(["item": string(maxLength: 200), "quantity": number, "unit": string(nullable: true), "unitCost": ["type": ["number", "null"]]],
                                 required: ["item", "quantity"]),
        "TicketAcceptance": object(["name": string(maxLength: 100), "signedAt": string("date-time")], required: ["name", "signedAt"]),
        "Ticket": object([
            "id": string("uuid"), "number": string(), "channel": string(values: channels), "category": string(values: TicketRoutes.categories),
            "priority": string(values: TicketRoutes.priorities), "status": string(values: TicketRoutes.statuses), "reporter": OpenAPIDocument.ref("TicketReporter"),
            "location": string(), "placeId": string("uuid"), "repairItemId": string("uuid"), "subject": string(),
            "description": string(), "ownerId": string("uuid"), "departmentId": string("uuid"), "handlerId": string("uuid"),
            "requiredPostId": string("uuid"),
            "causeClass": ["type": "integer", "minimum": 1, "maximum": 3], "receivedAt": string("date-time"),
            "deadlines": OpenAPIDocument.ref("TicketDeadlines"),
            "dispatchedAt": string("date-time"), "acknowledgedAt": string("date-time"), "startedAt": string("date-time"),
            "resolution": string(), "materials": ["type": "array", "items": OpenAPIDocument.ref("TicketMaterial")], "timeOnSiteMinutes": integer,
            "acceptance": OpenAPIDocument.ref("TicketAcceptance"), "resolvedAt": string("date-time"), "verifiedAt": string("date-time"),
            "verifiedBy": string("uuid"), "followedUpAt": string("date-time"), "closedAt": string("date-time"), "cancelledAt": string("date-time"),
            "withdrawnInWriting": boolean, "reply": string(), "suggestionAdopted": boolean,
            "followUp": OpenAPIDocument.ref("TicketFollowUpPlan"),
            "referral": OpenAPIDocument.ref("TicketReferral"), "customerOpinion": string(), "siteCleared": boolean,
            "reopenCount": integer, "nonconformityOpen": boolean, "repeatOf": string("uuid"), "relatedTicketId": string("uuid"), "appointmentId": string("uuid"),
            "allowedActions": ["type": "array", "items": string(values: TicketAction.allCases.map(\.rawValue))],
            "version": integer, "createdAt": string("date-time"), "updatedAt": string("date-time"),
            "severity": string(values: severities), "subjectStaffId": string("uuid"), "escalatedTo": string("uuid"),
            "escalatedToRole": string(values: [TicketEscalation.managerRole.rawValue]), "escalatedAt": string("date-time"),
            "escalationImportance": string(values: importances), "apology": OpenAPIDocument.ref("TicketApology"), "followUpConfirmedBy": string(),
        ], required: ["id", "number", "channel", "category", "priority", "status", "reporter", "description", "ownerId", "receivedAt", "deadlines",
                      "materials", "reopenCount", "nonconformityOpen", "allowedActions", "version", "createdAt", "updatedAt"]),
        "TicketDeadlines": object([
            "feedbackDueAt": string("date-time"), "firstFeedbackAt": string("date-time"), "promisedReplyAt": string("date-time"),
            "replyGivenAt": string("date-time"),
            "resolveDueAt": string("date-time"), "followUpDueFrom": string("date-time"), "followUpDueAt": string("date-time"),
            "overdue": ["type": "array", "items": string(values: ["feedback", "reply", "resolution", "follow_up", "referral"])],
        ], required: ["feedbackDueAt", "overdue"]),
        "TicketApology": object([
            "method": string(values: ApologyMethod.allCases.map(\.rawValue)), "note": string(), "at": string("date-time"), "recordedBy": string("uuid"),
        ], required: ["method", "at"]),
        "TicketReferral": object([
            "to": string(), "contact": string(), "at": string("date-time"), "by": string("uuid"), "feedbackDueAt": string("date-time"),
            "followedUpAt": string("date-time"),
        ], required: ["to", "at", "feedbackDueAt"]),
        "TicketFollowUpPlan": object(["followUpClass": string(values: followUpClasses), "month": string(), "ordinal": integer, "sampled": boolean, "explanation": string()],
                                     required: ["followUpClass"]),
        "TicketPage": page("Ticket"),
        "NewTicket": object([
            "channel": string(values: channels), "category": string(values: TicketRoutes.categories), "priority": string(values: TicketRoutes.priorities),
            "reporter": OpenAPIDocument.ref("TicketReporter"), "location": string(maxLength: 200, nullable: true), "description": string(maxLength: 4000),
            "ownerId": string("uuid", nullable: true), "departmentId": string("uuid", nullable: true),
            "causeClass": ["type": ["integer", "null"], "minimum": 1, "maximum": 3], "receivedAt": string("date-time", nullable: true),
            "followUpClass": string(values: followUpClasses, nullable: true), "relatedTicketId": string("uuid", nullable: true),
            "appointmentId": string("uuid", nullable: true), "requiredPostId": string("uuid", nullable: true),
            "placeId": string("uuid", nullable: true), "repairItemId": string("uuid", nullable: true), "subject": string(maxLength: 100, nullable: true),
            "severity": string(values: severities, nullable: true), "subjectStaffId": string("uuid", nullable: true),
        ], required: ["channel", "category", "description"]),
        "TicketActionBody": object([
            "note": string(maxLength: 2000), "departmentId": string("uuid"), "handlerId": string("uuid"), "result": string(maxLength: 4000),
            "materials": ["type": "array", "items": OpenAPIDocument.ref("TicketMaterial")], "timeOnSiteMinutes": ["type": "integer", "minimum": 0, "maximum": 10000],
            "acceptance": OpenAPIDocument.ref("TicketAcceptance"), "passed": boolean, "method": string(values: TicketWorkflow.followUpMethods),
            "satisfaction": ["type": "integer", "minimum": 1, "maximum": 5], "rating": string(values: SatisfactionRating.allCases.map(\.rawValue)),
            "reply": string(maxLength: 4000), "adopted": boolean, "promisedReplyAt": string("date-time"), "causeClass": ["type": "integer", "minimum": 1, "maximum": 3],
            "reason": string(maxLength: 2000), "requiredPostId": string("uuid"), "withdrawnInWriting": boolean,
            "repairItemId": string("uuid"), "subject": string(maxLength: 100),
            "severity": string(values: severities), "subjectStaffId": string("uuid"), "importance": string(values: importances),
            "confirmedBy": string(maxLength: 100),
            "referredTo": string(maxLength: 200), "contact": string(maxLength: 200), "customerOpinion": string(maxLength: 2000), "siteCleared": boolean,
        ], required: []),
        "TicketEvent": object([
            "seq": integer, "at": string("date-time"), "action": string(), "fromStatus": string(values: TicketRoutes.statuses), "toStatus": string(values: TicketRoutes.statuses),
            "actorId": string("uuid"), "actorRole": string(), "note": string(), "detail": ["type": "object", "additionalProperties": string()],
        ], required: ["seq", "at", "action", "toStatus", "actorRole", "detail"]),
        "TicketTimeline": list("TicketEvent"),
        "TicketFollowUp": object([
            "id": string("uuid"), "at": string("date-time"), "method": string(values: TicketWorkflow.followUpMethods), "satisfaction": integer,
            "rating": string(values: SatisfactionRating.allCases.map(\.rawValue)), "comments": string(), "recordedBy": string("uuid"),
            "confirmedBy": string(),
        ], required: ["id", "at", "method", "rating"]),
        "TicketFollowUpList": list("TicketFollowUp"),
        "TicketNonconformity": object([
            "id": string("uuid"), "ticketId": string("uuid"), "kind": string(values: ["repeat", "reopened"]), "detectedAt": string("date-time"), "reason": string(),
            "matchedTicketIds": ["type": "array", "items": string("uuid")], "cause": string(), "action": string(), "actionOwnerId": string("uuid"),
            "dueDate": string("date"), "actionRecordedAt": string("date-time"), "closedAt": string("date-time"), "closedBy": string("uuid"), "version": integer,
        ], required: ["id", "ticketId", "kind", "detectedAt", "reason", "matchedTicketIds", "version"]),
        "TicketNonconformityList": list("TicketNonconformity"),
        "CorrectiveAction": object(["cause": string(maxLength: 2000), "action": string(maxLength: 2000), "ownerId": string("uuid"), "dueDate": string("date")],
                                   required: ["cause", "action", "ownerId", "dueDate"]),
        "TicketStatistics": object([
            "month": string(), "timezone": string(), "received": integer,
            "byCategory": counts, "byCauseClass": counts, "byDepartment": counts, "byChannel": counts,
            "onTimeFeedback": rate, "onTimeResolution": rate, "satisfaction": rate,
            "followUp": ["type": "array", "items": OpenAPIDocument.ref("FollowUpCoverage")],
            "repeats": integer, "reopened": integer,
            "withdrawn": integer, "withdrawnFollowUp": rate, "repliesPromised": integer, "onTimeReply": rate,
        ], required: ["month", "timezone", "received", "byCategory", "byCauseClass", "byDepartment", "byChannel", "onTimeFeedback", "onTimeResolution",
                      "followUp", "satisfaction", "repeats", "reopened", "withdrawn", "withdrawnFollowUp", "repliesPromised", "onTimeReply"]),
        "SuggestionEntry": object([
            "id": string("uuid"), "number": string(), "receivedAt": string("date-time"), "reporter": OpenAPIDocument.ref("TicketReporter"),
            "summary": string(), "departmentId": string("uuid"), "departmentCode": string(), "departmentName": string(),
            "status": string(values: TicketRoutes.statuses), "adopted": boolean, "answeredAt": string("date-time"), "reply": string(),
        ], required: ["id", "number", "receivedAt", "reporter", "summary", "status"]),
        "SuggestionGroup": object([
            "departmentId": string("uuid"), "departmentCode": string(), "departmentName": string(), "count": integer,
            "items": ["type": "array", "items": OpenAPIDocument.ref("SuggestionEntry")],
        ], required: ["departmentCode", "count", "items"]),
        "SuggestionDay": object([
            "date": string("date"), "timezone": string(), "total": integer, "groups": ["type": "array", "items": OpenAPIDocument.ref("SuggestionGroup")],
        ], required: ["date", "timezone", "total", "groups"]),
        "SuggestionTotals": object(["received": integer, "adopted": integer, "notAdopted": integer, "pending": integer, "told": integer],
                                   required: ["received", "adopted", "notAdopted", "pending", "told"]),
        "SuggestionMonth": object([
            "month": string(), "timezone": string(), "totals": OpenAPIDocument.ref("SuggestionTotals"),
            "items": ["type": "array", "items": OpenAPIDocument.ref("SuggestionEntry")],
        ], required: ["month", "timezone", "totals", "items"]),
        "TicketArchiveFiling": object([
            "quarter": string(), "from": string("date"), "through": string("date"), "dueOn": string("date"), "filedAt": string("date-time"),
            "filedBy": string("uuid"), "tickets": integer, "followUps": integer, "late": boolean,
        ], required: ["quarter", "from", "through", "dueOn", "filedAt", "tickets", "followUps", "late"]),
        "TicketArchiveRecord": object([
            "ticket": OpenAPIDocument.ref("Ticket"), "followUps": ["type": "array", "items": OpenAPIDocument.ref("TicketFollowUp")],
        ], required: ["ticket", "followUps"]),
        "TicketArchive": object([
            "quarter": string(), "timezone": string(), "from": string("date"), "through": string("date"), "dueOn": string("date"),
            "filing": OpenAPIDocument.ref("TicketArchiveFiling"), "tickets": integer, "followUps": integer,
            "records": ["type": "array", "items": OpenAPIDocument.ref("TicketArchiveRecord")],
        ], required: ["quarter", "timezone", "from", "through", "dueOn", "tickets", "followUps", "records"]),
        "FollowUpCoverage": object([
            "followUpClass": string(values: followUpClasses), "quota": number, "resolved": integer, "required": integer, "sampled": integer,
            "followedUp": integer, "coverage": number,
        ], required: ["followUpClass", "quota", "resolved", "required", "sampled", "followedUp"]),
        "ServiceItem": object([
            "id": string("uuid"), "code": string(), "name": string(), "departmentId": string("uuid"), "durationMinutes": integer, "capacityPerSlot": integer,
            "documents": ["type": "array", "items": string()], "homeVisitAllowed": boolean, "postId": string("uuid"), "active": boolean, "version": integer,
            "createdAt": string("date-time"), "updatedAt": string("date-time"),
        ], required: ["id", "code", "name", "departmentId", "durationMinutes", "capacityPerSlot", "documents", "homeVisitAllowed", "active", "version", "createdAt", "updatedAt"]),
        "ServiceItemPage": page("ServiceItem"),
        "NewServiceItem": object([
            "code": string(maxLength: 32), "name": string(maxLength: 100), "departmentId": string("uuid"), "durationMinutes": ["type": "integer", "minimum": 5, "maximum": 480],
            "capacityPerSlot": ["type": "integer", "minimum": 1, "maximum": 100], "documents": ["type": "array", "items": string(maxLength: 200)], "homeVisitAllowed": boolean,
            "postId": string("uuid", nullable: true),
        ], required: ["code", "name", "departmentId", "durationMinutes"]),
        "ServiceItemChanges": object([
            "name": string(maxLength: 100), "durationMinutes": ["type": "integer", "minimum": 5, "maximum": 480], "capacityPerSlot": ["type": "integer", "minimum": 1, "maximum": 100],
            "documents": ["type": "array", "items": string(maxLength: 200)], "homeVisitAllowed": boolean, "active": boolean, "postId": string("uuid"),
        ], required: []),
        "ServiceWindow": object([
            "id": string("uuid"), "code": string(), "name": string(), "kind": string(values: ["counter", "field_team"]), "departmentId": string("uuid"),
            "calendar": string(), "itemIds": ["type": "array", "items": string("uuid")], "active": boolean, "version": integer,
            "createdAt": string("date-time"), "updatedAt": string("date-time"),
        ], required: ["id", "code", "name", "kind", "departmentId", "calendar", "itemIds", "active", "version", "createdAt", "updatedAt"]),
        "ServiceWindowPage": page("ServiceWindow"),
        "NewServiceWindow": object([
            "code": string(maxLength: 32), "name": string(maxLength: 100), "kind": string(values: ["counter", "field_team"]), "departmentId": string("uuid"),
            "calendar": string(), "itemIds": ["type": "array", "items": string("uuid")],
        ], required: ["code", "name", "departmentId", "itemIds"]),
        "ServiceWindowChanges": object(["name": string(maxLength: 100), "calendar": string(), "itemIds": ["type": "array", "items": string("uuid")], "active": boolean], required: []),
        "Applicant": object(["name": string(maxLength: 100), "phone": string(maxLength: 30), "idNumber": string(maxLength: 18, nullable: true)], required: ["name", "phone"]),
        "HomeVisit": object(["reason": string(values: HomeVisitReason.allCases.map(\.rawValue)), "address": string(maxLength: 200)], required: ["reason", "address"]),
        "Appointment": object([
            "id": string("uuid"), "itemId": string("uuid"), "windowId": string("uuid"), "start": string("date-time"), "end": string("date-time"),
            "localStart": string(), "localEnd": string(), "timezone": string(), "seat": integer,
            "channel": string(values: AppointmentChannel.allCases.map(\.rawValue)), "status": string(values: AppointmentRoutes.statuses),
            "applicant": OpenAPIDocument.ref("Applicant"), "homeVisit": OpenAPIDocument.ref("HomeVisit"), "assignedStaffId": string("uuid"), "note": string(),
            "requestedAt": string("date-time"), "confirmDueAt": string("date-time"), "confirmedAt": string("date-time"), "documents": ["type": "array", "items": string()],
            "refusedAt": string("date-time"), "refusalReason": string(), "checkedInAt": string("date-time"), "completedAt": string("date-time"), "result": string(),
            "satisfaction": string(values: SatisfactionRating.allCases.map(\.rawValue)), "cancelledAt": string("date-time"), "cancelReason": string(),
            "lateCancellation": boolean, "noShowAt": string("date-time"), "overdue": boolean, "rescheduleCount": integer, "complaintTicketId": string("uuid"),
            "contactFailedAt": string("date-time"), "contactFailedNote": string(), "needsAction": boolean, "lateReschedules": integer,
            "allowedActions": ["type": "array", "items": string(values: AppointmentAction.allCases.map(\.rawValue))],
            "version": integer, "createdAt": string("date-time"), "updatedAt": string("date-time"),
        ], required: ["id", "itemId", "windowId", "start", "end", "localStart", "localEnd", "timezone", "seat", "channel", "status", "applicant", "requestedAt",
                      "confirmDueAt", "lateCancellation", "overdue", "rescheduleCount", "needsAction", "lateReschedules", "allowedActions", "version",
                      "createdAt", "updatedAt"]),
        "AppointmentPage": page("Appointment"),
        "NewAppointment": object([
            "itemId": string("uuid"), "windowId": string("uuid", nullable: true), "start": string("date-time"),
            "channel": string(values: AppointmentChannel.allCases.map(\.rawValue)), "applicant": OpenAPIDocument.ref("Applicant"),
            "homeVisit": OpenAPIDocument.ref("HomeVisit"), "note": string(maxLength: 2000, nullable: true),
        ], required: ["itemId", "start", "channel", "applicant"]),
        "AppointmentActionBody": object([
            "note": string(maxLength: 2000), "reason": string(maxLength: 500), "assignedStaffId": string("uuid"), "result": string(maxLength: 4000),
            "satisfaction": string(values: SatisfactionRating.allCases.map(\.rawValue)), "ownerId": string("uuid"), "start": string("date-time"), "windowId": string("uuid"),
        ], required: []),
        "Availability": object([
            "itemId": string("uuid"), "timezone": string(),
            "items": ["type": "array", "items": OpenAPIDocument.ref("AvailableSlot")],
        ], required: ["itemId", "timezone", "items"]),
        "AvailableSlot": object([
            "windowId": string("uuid"), "windowCode": string(), "start": string("date-time"), "end": string("date-time"), "localStart": string(), "remaining": integer,
        ], required: ["windowId", "windowCode", "start", "end", "localStart", "remaining"]),
        "AppointmentStatistics": object([
            "month": string(), "timezone": string(), "requests": integer, "answeredInTime": rate, "refusals": integer, "refusalReasons": counts,
            "lateCancellationsByCenter": integer, "noShows": integer, "completion": rate, "satisfaction": rate,
            "byWindow": ["type": "object", "additionalProperties": OpenAPIDocument.ref("WindowFigures")],
        ], required: ["month", "timezone", "requests", "answeredInTime", "refusals", "refusalReasons", "lateCancellationsByCenter", "noShows", "completion",
                      "satisfaction", "byWindow"]),
        "WindowFigures": object([
            "requests": integer, "lateCancellationsByCenter": integer, "noShows": integer, "completed": integer,
        ], required: ["requests", "lateCancellationsByCenter", "noShows", "completed"]),
        "Certificate": object([
            "id": string("uuid"), "siteCode": string(), "staffId": string("uuid"), "employeeNo": string(), "staffName": string(), "type": string(), "typeName": string(),
            "number": string(), "issuer": string(), "issuedOn": string("date"), "expiresOn": string("date"), "documentRef": string(), "daysLeft": integer,
            "valid": boolean, "renewalDue": boolean, "version": integer, "createdAt": string("date-time"), "updatedAt": string("date-time"),
        ], required: ["id", "siteCode", "staffId", "employeeNo", "staffName", "type", "typeName", "number", "issuedOn", "expiresOn", "daysLeft", "valid",
                      "renewalDue", "version", "createdAt", "updatedAt"]),
        "CertificatePage": page("Certificate"),
        "NewCertificate": object([
            "staffId": string("uuid"), "type": string(maxLength: 64), "number": string(maxLength: 64), "issuer": string(maxLength: 100, nullable: true),
            "issuedOn": string("date"), "expiresOn": string("date"), "documentRef": string(maxLength: 300, nullable: true),
        ], required: ["staffId", "type", "number", "issuedOn", "expiresOn"]),
        "CertificateChanges": object([
            "number": string(maxLength: 64), "issuer": string(maxLength: 100), "issuedOn": string("date"), "expiresOn": string("date"), "documentRef": string(maxLength: 300),
        ], required: []),
        "AssessmentItem": object([
            "dimension": string(values: AssessmentDimension.allCases.map(\.rawValue)), "name": string(maxLength: 100), "weight": number, "scaleMax": number,
            "metric": string(values: AssessmentMetric.allCases.map(\.rawValue)), "target": number,
        ], required: ["dimension", "name", "weight", "scaleMax"]),
        "AssessmentTemplate": object([
            "id": string("uuid"), "code": string(), "name": string(), "kind": string(values: ["regular", "probation"]),
            "items": ["type": "array", "items": OpenAPIDocument.ref("AssessmentItem")], "version": integer, "createdAt": string("date-time"),
        ], required: ["id", "code", "name", "kind", "items", "version", "createdAt"]),
        "AssessmentTemplateList": list("AssessmentTemplate"),
        "NewAssessmentTemplate": object([
            "code": string(maxLength: 32), "name": string(maxLength: 100), "kind": string(values: ["regular", "probation"]),
            "items": ["type": "array", "items": OpenAPIDocument.ref("AssessmentItem")],
        ], required: ["code", "name", "items"]),
        "GroupAssessmentTemplate": object([
            "template": OpenAPIDocument.ref("NewAssessmentTemplate"), "siteCodes": ["type": "array", "items": string()], "kind": string(values: siteKinds),
        ], required: ["template"]),
        "TemplateCopies": object(["created": ["type": "array", "items": string()], "skipped": ["type": "array", "items": string()]], required: ["created", "skipped"]),
        "AssessmentCycle": object([
            "id": string("uuid"), "templateId": string("uuid"), "name": string(), "period": string(values: ["monthly", "quarterly", "annual"]),
            "startsOn": string("date"), "endsOn": string("date"), "departmentIds": ["type": "array", "items": string("uuid")],
            "postIds": ["type": "array", "items": string("uuid")], "status": string(values: CycleStatus.allCases.map(\.rawValue)),
            "publishedAt": string("date-time"), "version": integer, "createdAt": string("date-time"), "updatedAt": string("date-time"),
        ], required: ["id", "templateId", "name", "period", "startsOn", "endsOn", "departmentIds", "postIds", "status", "version", "createdAt", "updatedAt"]),
        "AssessmentCycleList": list("AssessmentCycle"),
        "NewAssessmentCycle": object([
            "templateId": string("uuid"), "name": string(maxLength: 100), "period": string(values: ["monthly", "quarterly", "annual"]),
            "startsOn": string("date"), "endsOn": string("date"), "departmentIds": ["type": "array", "items": string("uuid")],
            "postIds": ["type": "array", "items": string("uuid")],
        ], required: ["templateId", "name", "period", "startsOn", "endsOn"]),
        "ScoreSheet": object(["scores": ["type": "array", "items": number], "reason": string(maxLength: 2000, nullable: true)], required: ["scores"]),
        "BottomFollowUpBody": object(["action": string(values: BottomFollowUp.allCases.map(\.rawValue)), "note": string(maxLength: 2000, nullable: true)],
                                     required: ["action"]),
        "RankingEntry": object([
            "staffId": string("uuid"), "employeeNo": string(), "name": string(), "postId": string("uuid"), "total": number, "rank": integer,
            "postRank": integer, "percentile": number, "bottom": boolean, "explanation": string(), "revision": integer,
            "scores": ["type": "array", "items": number],
            "followUp": string(values: BottomFollowUp.allCases.map(\.rawValue)), "followUpNote": string(),
        ], required: ["staffId", "employeeNo", "name", "bottom", "explanation"]),
        "Ranking": object([
            "cycleId": string("uuid"), "status": string(values: CycleStatus.allCases.map(\.rawValue)), "frozen": boolean,
            "items": ["type": "array", "items": OpenAPIDocument.ref("RankingEntry")],
        ], required: ["cycleId", "status", "frozen", "items"]),
        "AssessmentSummary": object([
            "period": string(), "cycles": integer,
            "distributions": ["type": "array", "items": OpenAPIDocument.ref("ScoreDistribution")],
            "bottom": ["type": "array", "items": OpenAPIDocument.ref("BottomMember")],
        ], required: ["period", "cycles", "distributions", "bottom"]),
        "ScoreDistribution": object([
            "siteCode": string(), "post": string(), "count": integer, "min": number, "p25": number, "median": number, "p75": number, "max": number, "mean": number,
        ], required: ["siteCode", "post", "count", "min", "p25", "median", "p75", "max", "mean"]),
        "BottomMember": object([
            "siteCode": string(), "cycleId": string("uuid"), "employeeNo": string(), "name": string(), "post": string(), "total": number, "rank": integer,
            "followUp": string(values: BottomFollowUp.allCases.map(\.rawValue)),
        ], required: ["siteCode", "cycleId", "employeeNo", "name", "total", "rank"]),
        "ReportMeasures": object(
            Dictionary(uniqueKeysWithValues: ReportMeasures.columns.map { ($0.key, number) }).merging([
                "complaintsByCause": ["type": "object", "additionalProperties": OpenAPIDocument.ref("CauseFigure")],
                "ticketsByCategory": ["type": "object", "additionalProperties": number],
            ], uniquingKeysWith: { first, _ in first }), required: []),
        "CauseFigure": object(["count": number, "rate": number], required: ["count"]),
        "ReportTarget": object(["green": number, "amber": number, "higherIsBetter": boolean], required: ["green", "amber", "higherIsBetter"]),
        "Portfolio": object([
            "period": string(), "from": string("date"), "through": string("date"), "computedAt": string("date-time"),
            "sites": ["type": "array", "items": OpenAPIDocument.ref("PortfolioSite")],
            "kinds": ["type": "array", "items": OpenAPIDocument.ref("PortfolioKind")],
            "targets": ["type": "object", "additionalProperties": OpenAPIDocument.ref("ReportTarget")],
        ], required: ["period", "from", "through", "sites", "kinds", "targets"]),
        "PortfolioSite": object([
            "siteCode": string(), "name": string(), "kind": string(values: siteKinds), "region": string(), "measures": OpenAPIDocument.ref("ReportMeasures"),
        ], required: ["siteCode", "name", "kind", "measures"]),
        "PortfolioKind": object([
            "kind": string(values: siteKinds), "sites": integer, "total": OpenAPIDocument.ref("ReportMeasures"), "median": OpenAPIDocument.ref("ReportMeasures"),
        ], required: ["kind", "sites", "total", "median"]),
        "Trend": object([
            "through": string(), "siteCode": string(), "kind": string(values: siteKinds), "region": string(), "sites": integer,
            "months": ["type": "array", "items": OpenAPIDocument.ref("TrendMonth")],
            "targets": ["type": "object", "additionalProperties": OpenAPIDocument.ref("ReportTarget")],
        ], required: ["through", "sites", "months", "targets"]),
        "TrendMonth": object(["month": string(), "measures": OpenAPIDocument.ref("ReportMeasures")], required: ["month", "measures"]),
        "WorkingDayList": object(["calendar": string(), "timezone": string(), "items": ["type": "array", "items": OpenAPIDocument.ref("WorkingDay")]], required: ["calendar", "timezone", "items"]),
    ] }
}
