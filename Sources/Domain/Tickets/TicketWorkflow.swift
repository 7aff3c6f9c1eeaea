import Foundation

/// What an action does to a ticket, as a pure function of the ticket, the request and the
/// clock. The store loads the ticket, this decides, the store writes the result.
public enum TicketWorkflow {
    /// Facts an action needs beyond the ticket and the body.
    public struct Context: Sendable {
        public var now: Date
        /// The signed-in user and their staff record at the site, if any.
        public var actor: UUID?
        public var actorStaff: UUID?
        /// For `resolve`: the ticket's ordinal among its class's resolutions this month,
        /// when it has not been sampled before.
        public var resolutionOrdinal: Int?
        /// The month (YYYY-MM, site time) the ordinal counts in.
        public var resolutionMonth: String?
        public var policy: TicketPolicy
        /// For `classify` naming a staff member complained about: that member's active direct
        /// superior, or nil when they have none (the complaint then goes to the site manager).
        public var subjectSupervisor: UUID?

        public init(now: Date, actor: UUID?, actorStaff: UUID?, resolutionOrdinal: Int? = nil, resolutionMonth: String? = nil, policy: TicketPolicy = .defaults,
                    subjectSupervisor: UUID? = nil) {
            self.now = now
            self.actor = actor
            self.actorStaff = actorStaff
            self.resolutionOrdinal = resolutionOrdinal
            self.resolutionMonth = resolutionMonth
            self.policy = policy
            self.subjectSupervisor = subjectSupervisor
        }
    }

    /// Rows an action writes besides the ticket and its timeline entry.
    public enum SideEffect: Sendable, Equatable {
        case followUp(method: String, satisfaction: Int?, rating: SatisfactionRating, comments: String?)
        case nonconformity(kind: String, reason: String)
        /// What the matter is (a complaint's subject, a repair's item) changed: look for repeats again.
        case checkRepeats
        /// The complaint was escalated to the superior of the staff member it names (or the site
        /// manager): a timeline line `escalate` with this detail follows the action's own.
        case escalated([String: String])
    }

    public struct Outcome: Sendable {
        public var ticket: Ticket
        public var note: String?
        public var detail: [String: String]
        public var effects: [SideEffect]
    }

    public static let followUpMethods = ["phone", "visit", "sms", "online", "letter"]

    /// The actions that give the reporter the reply they were promised: the next one after a
    /// promise meets it, on time when at or before the promised time.
    public static let replies: Set<TicketAction> = [.feedback, .answer, .resolve]

    /// The actions by which the owner reports back to the reporter after a referral.
    public static let referralFollowUps: Set<TicketAction> = [.feedback, .answer]

    public static func apply(_ action: TicketAction, _ body: TicketActionBody, to current: Ticket, _ context: Context) throws -> Outcome {
        try TicketLifecycle.check(action, current.lifecycleState)
        try DomainError.refuse(body.present, outside: TicketActionBody.fields(for: action), action: action.rawValue)
        var ticket = current
        var detail: [String: String] = [:]
        var effects: [SideEffect] = []
        var note = try InputText.trimmed(body.note, field: "note", max: 2000)
        let now = context.now
        if replies.contains(action), ticket.deadlines.replyGivenAt == nil, let promised = ticket.deadlines.promisedReplyAt {
            ticket.deadlines.replyGivenAt = now
            detail["promisedReplyKept"] = String(now <= promised)
        }
        // The owner reports back after referring the matter elsewhere (及时向服务对象反馈).
        if referralFollowUps.contains(action), var referral = ticket.referral, referral.followedUpAt == nil {
            referral.followedUpAt = now
            ticket.referral = referral
            detail["referralFollowedUpOnTime"] = String(now <= referral.feedbackDueAt)
        }

        switch action {
        case .dispatch:
            guard let department = body.departmentId else { throw DomainError.invalid(field: "departmentId", code: "request.missing_field", message: "the department to dispatch to is required") }
            if department != ticket.departmentId { ticket.handlerId = nil }
            ticket.departmentId = department
            if let handler = body.handlerId { ticket.handlerId = handler }
            if let post = body.requiredPostId { ticket.requiredPostId = post }
            if let item = body.repairItemId {
                guard ticket.category == .repair else {
                    throw DomainError.invalid(field: "repairItemId", code: "request.not_applicable", message: "only repairs name a repair item")
                }
                if item != ticket.repairItemId {
                    ticket.repairItemId = item
                    detail["repairItemId"] = item.uuidString
                    effects.append(.checkRepeats)
                }
            }
            ticket.status = .dispatched
            ticket.dispatchedAt = now
            detail["departmentId"] = department.uuidString
        case .acknowledge:
            if let handler = body.handlerId { ticket.handlerId = handler }
            ticket.status = .acknowledged
            ticket.acknowledgedAt = now
        case .start:
            ticket.handlerId = body.handlerId ?? ticket.handlerId ?? context.actorStaff
            guard ticket.handlerId != nil else {
                throw DomainError.invalid(field: "handlerId", code: "request.missing_field", message: "name the staff member who handles the work")
            }
            ticket.status = .inProgress
            ticket.startedAt = now
        case .resolve:
            guard let result = try InputText.trimmed(body.result, field: "result", max: 4000) else {
                throw DomainError.invalid(field: "result", code: "request.missing_field", message: "the result of the work is required")
            }
            ticket.resolution = result
            if let materials = body.materials {
                for (index, material) in materials.enumerated() {
                    let field = "materials[\(index)]"
                    guard !material.item.trimmingCharacters(in: .whitespaces).isEmpty, material.item.count <= 200 else {
                        throw DomainError.invalid(field: field + ".item", code: "request.invalid_value", message: "name the material (1–200 characters)")
                    }
                    guard material.quantity > 0 else { throw DomainError.invalid(field: field + ".quantity", code: "request.invalid_value", message: "quantity must be positive") }
                    if let cost = material.unitCost, cost < 0 {
                        throw DomainError.invalid(field: field + ".unitCost", code: "request.invalid_value", message: "unit cost cannot be negative")
                    }
                }
                ticket.materials = materials
            }
            if let minutes = body.timeOnSiteMinutes {
                guard (0...10_000).contains(minutes) else {
                    throw DomainError.invalid(field: "timeOnSiteMinutes", code: "request.invalid_value", message: "time on site is 0–10000 minutes")
                }
                ticket.timeOnSiteMinutes = minutes
            }
            if let acceptance = body.acceptance {
                guard try InputText.trimmed(acceptance.name, field: "acceptance.name", max: 100) != nil else {
                    throw DomainError.invalid(field: "acceptance.name", code: "request.missing_field", message: "who accepted the work")
                }
                guard acceptance.signedAt <= now.addingTimeInterval(300) else {
                    throw DomainError.invalid(field: "acceptance.signedAt", code: "request.invalid_value", message: "the acceptance cannot be signed in the future")
                }
                ticket.acceptance = acceptance
            }
            // 工完料净场地清: a repair is returned only from a site left clean. false is refused,
            // not recorded as a defect: the rule is a condition of leaving, not a finding.
            if body.siteCleared == false || (ticket.category == .repair && body.siteCleared == nil) {
                throw DomainError.invalid(
                    field: "siteCleared", code: "ticket.site_check_required",
                    message: body.siteCleared == nil
                        ? "a repair is returned once the site is left clean (工完料净场地清): confirm it with siteCleared: true"
                        : "leave the site clean (工完料净场地清) before returning the work; then confirm it with siteCleared: true")
            }
            ticket.siteCleared = body.siteCleared
            // The customer writes their opinion of the work on the sheet (顾客对维修工作意见); it is
            // the opinion of this resolution, so a later resolution replaces it.
            ticket.customerOpinion = try InputText.trimmed(body.customerOpinion, field: "customerOpinion", max: 2000)
            if let opinion = ticket.customerOpinion { detail["customerOpinion"] = opinion }
            ticket.status = .resolved
            ticket.resolvedAt = now
            if var plan = ticket.followUp, let rule = context.policy.followUp[plan.followUpClass] {
                if plan.sampled == nil, let ordinal = context.resolutionOrdinal {
                    plan.ordinal = ordinal
                    plan.month = context.resolutionMonth
                    plan.sampled = FollowUpSampling.isSampled(ordinal: ordinal, perMille: rule.perMille)
                    detail["followUpSampled"] = String(plan.sampled ?? false)
                    detail["followUpOrdinal"] = String(ordinal)
                }
                ticket.followUp = plan
                if plan.sampled == true {
                    ticket.deadlines.followUpDueFrom = now.addingTimeInterval(Double(rule.fromDays) * 86_400)
                    ticket.deadlines.followUpDueAt = now.addingTimeInterval(Double(rule.toDays) * 86_400)
                }
            }
        case .verify:
            guard let passed = body.passed else {
                throw DomainError.invalid(field: "passed", code: "request.missing_field", message: "say whether the result passed verification")
            }
            if ticket.category == .complaint && ticket.causeClass == nil {
                throw DomainError(.invalid, code: "ticket.cause_class_required", message: "classify the complaint's cause (1, 2 or 3) before verifying it",
                                  fieldErrors: [.init(field: "causeClass", code: "ticket.cause_class_required", message: "classify the cause first")])
            }
            if passed {
                ticket.status = .verified
                ticket.verifiedAt = now
                ticket.verifiedBy = context.actor
            } else {
                guard note != nil else { throw DomainError.invalid(field: "note", code: "request.missing_field", message: "say why the result did not pass") }
                reopen(&ticket, reason: "verification failed", effects: &effects)
            }
            detail["passed"] = String(passed)
        case .followUp:
            guard let method = body.method else { throw DomainError.invalid(field: "method", code: "request.missing_field", message: "how the follow-up was made") }
            guard followUpMethods.contains(method) else {
                throw DomainError.invalid(field: "method", code: "request.invalid_value", message: "one of \(followUpMethods.joined(separator: ", "))")
            }
            let rating = try rating(score: body.satisfaction, rating: body.rating)
            // 请客户签名确认: a complaint's follow-up names the customer who confirmed it.
            let confirmedBy = try InputText.trimmed(body.confirmedBy, field: "confirmedBy", max: 100)
            if ticket.category == .complaint && confirmedBy == nil {
                throw DomainError.invalid(field: "confirmedBy", code: "ticket.confirmation_required",
                                          message: "a complaint's follow-up records the customer's name as they confirmed it (客户签字确认)")
            }
            ticket.followUpConfirmedBy = confirmedBy
            effects.append(.followUp(method: method, satisfaction: body.satisfaction, rating: rating, comments: note))
            detail["rating"] = rating.rawValue
            if rating.isSatisfied {
                ticket.status = .followedUp
                ticket.followedUpAt = now
            } else {
                reopen(&ticket, reason: "unsatisfactory follow-up", effects: &effects)
                // The problem goes back to repair now, with a deadline of its own (24 h by default).
                ticket.deadlines.resolveDueAt = TicketClock.followUpProblemRepairDue(at: now, policy: context.policy)
            }
        case .close:
            // A matter referred elsewhere and reported back on is closed without work here: no
            // resolution is owed, so its target is dropped (as for a withdrawn complaint).
            if ticket.status == .received && ticket.referral != nil {
                ticket.deadlines.resolveDueAt = nil
                detail["referred"] = "true"
            }
            ticket.status = .closed
            ticket.closedAt = now
        case .cancel:
            guard let reason = try InputText.trimmed(body.reason, field: "reason", max: 2000) else {
                throw DomainError.invalid(field: "reason", code: "request.missing_field", message: "say why the ticket is cancelled")
            }
            note = reason
            ticket.cancelledAt = now
            if ticket.category == .complaint {
                let inWriting = body.withdrawnInWriting ?? false
                ticket.withdrawnInWriting = inWriting
                detail["withdrawnInWriting"] = String(inWriting)
                if inWriting {
                    ticket.status = .cancelled
                } else {
                    withdraw(&ticket, now: now, policy: context.policy)
                }
            } else {
                if body.withdrawnInWriting != nil {
                    throw DomainError.invalid(field: "withdrawnInWriting", code: "request.not_applicable", message: "only complaints are withdrawn in writing")
                }
                ticket.status = .cancelled
            }
        case .answer:
            guard let reply = try InputText.trimmed(body.reply, field: "reply", max: 4000) else {
                throw DomainError.invalid(field: "reply", code: "request.missing_field", message: "the answer given to the reporter is required")
            }
            if ticket.category == .suggestion {
                guard let adopted = body.adopted else {
                    throw DomainError.invalid(field: "adopted", code: "request.missing_field", message: "say whether the suggestion was adopted")
                }
                ticket.suggestionAdopted = adopted
                detail["adopted"] = String(adopted)
            } else if body.adopted != nil {
                throw DomainError.invalid(field: "adopted", code: "request.not_applicable", message: "only suggestions are adopted or not")
            }
            ticket.reply = reply
            ticket.deadlines.firstFeedbackAt = ticket.deadlines.firstFeedbackAt ?? now
            ticket.status = .closed
            ticket.closedAt = now
        case .feedback:
            guard note != nil else { throw DomainError.invalid(field: "note", code: "request.missing_field", message: "what the reporter was told") }
            if let promised = body.promisedReplyAt {
                guard promised > now else {
                    throw DomainError.invalid(field: "promisedReplyAt", code: "request.invalid_value", message: "the promised reply time must be in the future")
                }
                // A new promise: the earlier one, if any, was answered by this feedback above.
                ticket.deadlines.promisedReplyAt = promised
                ticket.deadlines.replyGivenAt = nil
            }
            if ticket.deadlines.firstFeedbackAt == nil {
                ticket.deadlines.firstFeedbackAt = now
                detail["first"] = "true"
                detail["onTime"] = String(now <= ticket.deadlines.feedbackDueAt)
            }
        case .classify:
            let subject = try InputText.trimmed(body.subject, field: "subject", max: 100)
            guard body.causeClass != nil || subject != nil || body.severity != nil || body.subjectStaffId != nil else {
                throw DomainError.invalid(field: "causeClass", code: "request.missing_field",
                                          message: "give the cause class (1, 2 or 3), the subject, the severity or the staff member complained about")
            }
            if let cause = body.causeClass {
                guard (1...3).contains(cause) else {
                    throw DomainError.invalid(field: "causeClass", code: "request.invalid_value", message: "1 our service, 2 building quality, 3 external")
                }
                ticket.causeClass = cause
                detail["causeClass"] = String(cause)
            }
            if let subject, subject != ticket.subject {
                ticket.subject = subject
                detail["subject"] = subject
                if MatchKey.of(subject) != MatchKey.of(current.subject) { effects.append(.checkRepeats) }
            }
            if let severity = body.severity {
                ticket.severity = severity
                detail["severity"] = severity.rawValue
            }
            // 如实反映至该工作人员的直上级: a newly named staff member's superior hears of it.
            if let subject = body.subjectStaffId, subject != current.subjectStaffId {
                detail["subjectStaffId"] = subject.uuidString
                effects.append(.escalated(TicketEscalation.toSuperior(&ticket, subject: subject, supervisor: context.subjectSupervisor, at: now)))
            }
        case .escalate:
            guard note != nil else {
                throw DomainError.invalid(field: "note", code: "request.missing_field", message: "what is reported to the site manager")
            }
            guard let importance = body.importance else {
                throw DomainError.invalid(field: "importance", code: "request.missing_field",
                                          message: "how important the matter is: routine, important or critical (视问题重要程度)")
            }
            detail = detail.merging(TicketEscalation.toManager(&ticket, importance: importance, at: now)) { $1 }
        case .apologise:
            guard let text = body.method else {
                throw DomainError.invalid(field: "method", code: "request.missing_field", message: "how the apology was made: visit or phone")
            }
            guard let method = ApologyMethod(rawValue: text) else {
                throw DomainError.invalid(field: "method", code: "request.invalid_value", message: "an apology is made by visit or phone (上门或电话)")
            }
            ticket.apology = TicketApology(method: method, note: note, at: now, recordedBy: context.actor)
            detail["method"] = method.rawValue
        case .refer:
            // 首问责任制: told of or led to the right window or department, or told the outside
            // body responsible and its contact; the owner reports back with `feedback`.
            guard let to = try InputText.trimmed(body.referredTo, field: "referredTo", max: 200) else {
                throw DomainError.invalid(field: "referredTo", code: "request.missing_field",
                                          message: "name the window, department or outside body the reporter is referred to")
            }
            let contact = try InputText.trimmed(body.contact, field: "contact", max: 200)
            ticket.referral = TicketReferral(to: to, contact: contact, at: now, by: context.actor,
                                             feedbackDueAt: TicketClock.referralFeedbackDue(at: now, policy: context.policy))
            detail["referredTo"] = to
            if let contact { detail["contact"] = contact }
        }
        ticket.refreshDerived(now: now)
        return Outcome(ticket: ticket, note: note, detail: detail, effects: effects)
    }

    /// A repair item named on dispatch: its scale may bring the resolution deadline forward
    /// (small: the same working day of receipt; large: three working days), unless the work is by
    /// appointment or the ticket was reopened (its deadline is then the follow-up's).
    public static func naming(repairScale: RepairScale, on ticket: inout Ticket, rules: SiteRules) {
        guard ticket.reopenCount == 0, ticket.resolvedAt == nil else { return }
        ticket.deadlines.resolveDueAt = TicketClock.resolveDue(
            receivedAt: ticket.receivedAt, category: ticket.category, priority: ticket.priority, policy: rules.tickets, calendar: rules.calendar("repairs"),
            timeZone: rules.timeZone, repairScale: repairScale, byAppointment: ticket.appointmentId != nil)
    }

    /// A complaint withdrawn without writing: no more work is done (the resolution target is
    /// dropped), but it still owes its feedback and a follow-up (回访) within the complaint
    /// follow-up window from now, after which it is closed.
    static func withdraw(_ ticket: inout Ticket, now: Date, policy: TicketPolicy) {
        ticket.status = .withdrawn
        ticket.deadlines.resolveDueAt = nil
        let kind = ticket.followUp?.followUpClass ?? .complaint
        var plan = ticket.followUp ?? TicketFollowUpPlan(followUpClass: kind)
        plan.sampled = true
        ticket.followUp = plan
        let days = (policy.followUp[kind] ?? policy.followUp[.complaint])?.toDays ?? 3
        ticket.deadlines.followUpDueFrom = now
        ticket.deadlines.followUpDueAt = now.addingTimeInterval(Double(days) * 86_400)
    }

    /// Back to `dispatched` for another round of work, counted as a non-conformity. The
    /// resolution did not hold, so the work is unresolved again and its deadline is watched.
    static func reopen(_ ticket: inout Ticket, reason: String, effects: inout [SideEffect]) {
        ticket.status = .dispatched
        ticket.resolvedAt = nil
        ticket.reopenCount += 1
        ticket.nonconformityOpen = true
        ticket.verifiedAt = nil
        ticket.verifiedBy = nil
        ticket.followedUpAt = nil
        // A withdrawn complaint whose follow-up finds the problem unsolved is worked on again.
        ticket.cancelledAt = nil
        ticket.withdrawnInWriting = nil
        effects.append(.nonconformity(kind: "reopened", reason: reason))
    }

    static func rating(score: Int?, rating: SatisfactionRating?) throws -> SatisfactionRating {
        switch (score, rating) {
        case (nil, nil):
            throw DomainError.invalid(field: "satisfaction", code: "request.missing_field", message: "give a satisfaction score 1–5 or a rating")
        case (let score?, let rating):
            guard let derived = SatisfactionRating(score: score) else {
                throw DomainError.invalid(field: "satisfaction", code: "request.invalid_value", message: "satisfaction is 1–5")
            }
            if let rating, rating != derived {
                throw DomainError.invalid(field: "rating", code: "request.inconsistent", message: "a score of \(score) is '\(derived.rawValue)', not '\(rating.rawValue)'")
            }
            return derived
        case (nil, let rating?):
            return rating
        }
    }
}
