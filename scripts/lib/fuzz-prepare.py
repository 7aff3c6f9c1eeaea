"""Makes the demo hospital's records of every kind through the API, from the document's own
request examples, and writes the document with each example id (ExampleIDs in the server)
replaced by the real id of the record of that kind, so that fuzzing reaches the handlers'
logic: examples are sent to real tickets, bookings, cycles … instead of ending in 404.

It also makes a record in the state each action needs (a dispatched ticket for acknowledge, a
resolved one for verify, an open cycle for scores …) and gives each action's path
parameter that record as its example, so that state changes are exercised, not only refused.

Usage: fuzz-prepare.py BASE_URL MANAGER_TOKEN AGENT_TOKEN STAFF_TOKEN OUT.json
Fails (exit 1) when an example cannot be used as it stands: a broken example is a finding.
"""
import json
import sys
import urllib.error
import urllib.request

base, manager, agent, staff, out = sys.argv[1:6]
site = "/api/v1/sites/H01"


def call(method, path, body=None, token=manager):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Authorization", "Bearer " + token)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        sys.exit(f"fuzz-prepare: {method} {path} answered {error.code}: {error.read().decode()[:400]}")


document = json.load(urllib.request.urlopen(base + "/openapi.json"))
example_ids = {}  # the example id of each kind, read from the path parameters' examples
for path, operations in document["paths"].items():
    for operation in operations.values():
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "path" and parameter["name"].endswith("Id") and "example" in parameter:
                example_ids[parameter["name"][:-2]] = parameter["example"]
# A template is named only in the cycle's body.
example_ids["template"] = document["paths"]["/api/v1/sites/{siteCode}/assessment-cycles"]["post"]["requestBody"]["content"]["application/json"]["example"]["templateId"]
real = {}


def example(method, path):
    body = json.dumps(document["paths"][path][method]["requestBody"]["content"]["application/json"]["example"])
    for kind, fake in example_ids.items():
        if kind in real:
            body = body.replace(fake, real[kind])
    return json.loads(body)


def create(kind, collection, token=manager, key="id", **unique):
    """Makes the record from the example; `unique` replaces the example's unique fields, so
    that the example itself still creates a record when the fuzzer sends it."""
    body = example("post", "/api/v1/sites/{siteCode}/" + collection)
    body.update(unique)
    real[kind] = call("POST", f"{site}/{collection}", body, token)[key]


real["department"] = next(d["id"] for d in call("GET", f"{site}/departments?limit=200")["items"] if d["code"] == "engineering")
real["staff"] = next(s["id"] for s in call("GET", f"{site}/staff?limit=200")["items"] if s["employeeNo"] == "G001")
real["post"] = next(p["id"] for p in call("GET", f"{site}/posts?limit=200")["items"] if p["code"] == "plumber_electrician")
create("place", "places", code="DEMO-1201")
create("repairItem", "repair-items", code="demo_repair")
create("item", "service-items", code="demo_item")
create("window", "windows", code="demo_window")
create("template", "assessment-templates", code="demo_monthly")
create("cycle", "assessment-cycles")
create("ticket", "tickets", token=agent)  # the agent is a staff member, who owns what they receive
create("appointment", "appointments")
create("certificate", "certificates", number="DEMO-0001")
create("user", "users", key="userId", username="h01.demo")


# A record in the state each action needs, made by running the actions' own examples.
tickets = "/api/v1/sites/{siteCode}/tickets"
bookings = "/api/v1/sites/{siteCode}/appointments"
cycles = "/api/v1/sites/{siteCode}/assessment-cycles"


def ticket(steps=(), **changes):
    body = example("post", tickets)
    body.update(changes)
    made = call("POST", f"{site}/tickets", body, agent)["id"]
    for step in steps:
        # Department work is the department's: the engineering user signs for, starts and resolves.
        token = staff if step in ("acknowledge", "start", "resolve") else manager
        call("POST", f"{site}/tickets/{made}/{step}", example("post", f"{tickets}/{{ticketId}}/{step}"), token)
    return made


course = ["dispatch", "acknowledge", "start", "resolve", "verify", "follow-up", "close"]
targets = {}
for position, action in enumerate(course):
    targets[f"POST {tickets}/{{ticketId}}/{action}"] = ("ticketId", ticket(course[:position]))
targets[f"POST {tickets}/{{ticketId}}/cancel"] = ("ticketId", ticket())
# A matter referred elsewhere (首问责任制) at first contact: a received ticket.
targets[f"POST {tickets}/{{ticketId}}/refer"] = ("ticketId", ticket())
targets[f"POST {tickets}/{{ticketId}}/answer"] = ("ticketId", ticket(category="inquiry", priority="normal", description="门诊几点开始挂号？", repairItemId=None))
# A complaint needs the reporter's name and phone or a place, and its subject; it keeps the
# example's reporter, location and place, and names no repair item.
complaint = dict(category="complaint", priority="normal", description="护工态度不好", subject="护工态度", repairItemId=None)
targets[f"POST {tickets}/{{ticketId}}/feedback"] = ("ticketId", ticket(**complaint))
targets[f"POST {tickets}/{{ticketId}}/classify"] = ("ticketId", ticket(**complaint))
# An "other" matter is escalated to the manager; a serious complaint (重大投诉) takes an apology.
targets[f"POST {tickets}/{{ticketId}}/escalate"] = ("ticketId", ticket(category="other", priority="normal", description="相邻工地夜间施工扰民", repairItemId=None))
targets[f"POST {tickets}/{{ticketId}}/apologise"] = ("ticketId", ticket(severity="serious", **complaint))


def booking(start, steps=()):
    body = example("post", bookings)
    body["start"] = start
    made = call("POST", f"{site}/appointments", body)["id"]
    for step in steps:
        call("POST", f"{site}/appointments/{made}/{step}", example("post", f"{bookings}/{{appointmentId}}/{step}"))
    return made


for slot, (action, steps) in enumerate([("confirm", ()), ("refuse", ()), ("cancel", ()), ("cancel-by-center", ("confirm",)), ("reschedule", ("confirm",))]):
    targets[f"POST {bookings}/{{appointmentId}}/{action}"] = ("appointmentId", booking(f"2027-01-07T{9 + slot // 2:02d}:{30 * (slot % 2):02d}:00+08:00", steps))

# The same complaint twice from the same reporter and place: a repeat, a non-conformity (不合格项) to act on.
repeat = dict(category="complaint", priority="normal", causeClass=1, subject="夜间噪音", description="夜间病房走廊噪音大", location="住院部5楼走廊",
              repairItemId=None)
ticket(**repeat)
repeated = ticket(**repeat)
nonconformity = call("GET", f"{site}/tickets/{repeated}/nonconformities")["items"][0]["id"]
real["nonconformity"] = nonconformity
targets[f"POST {tickets}/{{ticketId}}/nonconformities/{{nonconformityId}}/corrective-action"] = ("ticketId", repeated)
targets[f"POST {tickets}/{{ticketId}}/nonconformities/{{nonconformityId}}/close"] = ("ticketId", repeated)

opened = call("POST", f"{site}/assessment-cycles", example("post", cycles))["id"]
call("POST", f"{site}/assessment-cycles/{opened}/open")
# A member of its own to score: the shared example staff member may be deactivated by the fuzzer first.
scored = call("POST", f"{site}/staff", dict(example("post", "/api/v1/sites/{siteCode}/staff"), employeeNo="S900", name="考核对象"))["id"]
targets[f"PUT {cycles}/{{cycleId}}/scores/{{staffId}}"] = ("cycleId", opened, "staffId", scored)
targets[f"POST {cycles}/{{cycleId}}/review"] = ("cycleId", opened)

# Each action's path parameter example is its own record (operation-level examples win over the kind's).
for operation, pairs in targets.items():
    method, path = operation.split(" ", 1)
    values = dict(zip(pairs[::2], pairs[1::2]))
    for entry in document["paths"][path][method.lower()]["parameters"]:
        if entry["name"] in values:
            entry["example"] = values[entry["name"]]

text = json.dumps(document)
for kind, fake in example_ids.items():
    if kind in real:
        text = text.replace(fake, real[kind])
missing = sorted(set(example_ids) - set(real))
if missing:
    sys.exit(f"fuzz-prepare: no demo record for the example ids of {missing}")
open(out, "w").write(text)
print(f"fuzz-prepare: demo records of {len(real)} kinds made from the document's examples, {len(targets)} actions sent to a record in the state they need")
