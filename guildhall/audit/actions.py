"""What the audit trail's action codes, object types and recorded fields are called.

One catalogue for every action written anywhere (`audit/tests/test_action_labels.py`
collects them from the source and fails on a code without a label here), so that the
trail speaks the words of the people who read it, never `member.set_role`.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: The parts of the trail, by the first part of the action code, in the order the filter
#: lists them.
GROUPS: dict[str, Promise] = {
    "org": _("Organizations"), "member": _("Members"), "auth": _("Sign-in and security"),
    "token": _("API tokens"), "permission": _("Refusals"), "calendar": _("Working days"),
    "plans": _("Responsibility and work plan"), "meetings": _("Special meetings"),
    "events": _("Event filings"), "publications": _("Channels and publications"),
    "incidents": _("Incidents"), "study": _("Study and codes of conduct"),
    "reports": _("Annual reports"),
}

ACTIONS: dict[str, Promise] = {
    # organizations and members
    "org.create": _("Added an association"),
    "org.import": _("Imported an association from a spreadsheet"),
    "org.update": _("Changed the organization"),
    "member.add": _("Added a member"),
    "member.invite": _("Invited a member"),
    "member.invite_resend": _("Sent an invitation again"),
    "member.invite_cancel": _("Cancelled an invitation"),
    "member.join": _("Joined by invitation"),
    "member.set_role": _("Changed a member's role"),
    "member.deactivate": _("Deactivated a member"),
    "member.reactivate": _("Reactivated a member"),
    "member.unlock": _("Unlocked a member's sign-in"),
    "member.reset_second_factor": _("Reset a member's second factor"),
    "member.export": _("Exported a person's data"),
    "member.erase": _("Erased a person's data"),
    "org.audit_reformatted": _("Moved the audit trail to its new format"),
    # sign-in and security
    "auth.login": _("Signed in"),
    "auth.logout": _("Signed out"),
    "auth.login_failed": _("Failed sign-in"),
    "auth.password_change": _("Changed the password"),
    "auth.password_reset": _("Reset the password"),
    "auth.second_factor": _("Confirmed the second factor"),
    "auth.second_factor_failed": _("Wrong second-factor code"),
    "auth.second_factor_setup": _("Set up the second factor"),
    "token.create": _("Created an API token"),
    "token.revoke": _("Revoked an API token"),
    "permission.refused": _("Refused: not permitted"),
    "calendar.schedule": _("Entered a holiday schedule"),
    # responsibility and work plan
    "plans.rules.save": _("Changed the plan and assessment rules"),
    "plans.responsibility.save": _("Saved the responsibility list"),
    "plans.responsibility.sign": _("Signed the responsibility list"),
    "plans.template.create": _("Created key tasks"),
    "plans.template.item_add": _("Added a key task"),
    "plans.template.item_remove": _("Removed a key task"),
    "plans.template.issue": _("Issued the key tasks"),
    "plans.plan.create": _("Started the work plan"),
    "plans.plan.adopt": _("Adopted the key tasks"),
    "plans.plan.submit": _("Submitted the work plan"),
    "plans.plan.acknowledge": _("Acknowledged the work plan"),
    "plans.plan.return": _("Returned the work plan"),
    "plans.plan.grade": _("Graded the work plan"),
    "plans.item.add": _("Added a plan item"),
    "plans.item.update": _("Changed a plan item"),
    "plans.item.report": _("Reported progress"),
    "plans.item.link": _("Linked evidence"),
    "plans.item.attach": _("Attached evidence"),
    "plans.item.detach": _("Removed evidence"),
    "plans.item.claim_done": _("Marked a plan item done"),
    "plans.item.drop": _("Dropped a plan item"),
    "plans.item.assess": _("Assessed a plan item"),
    "plans.item.return": _("Returned a plan item for rectification"),
    # special meetings
    "meetings.rules.update": _("Changed the meeting requirements"),
    "meetings.meeting.create": _("Created a meeting"),
    "meetings.meeting.update": _("Changed a meeting"),
    "meetings.meeting.record": _("Recorded a meeting as held"),
    "meetings.meeting.cancel": _("Cancelled a meeting"),
    "meetings.meeting.follow_up": _("Made a conclusion a plan item"),
    "meetings.meeting.attach": _("Attached a file to a meeting"),
    "meetings.meeting.detach": _("Removed a file from a meeting"),
    # event filings
    "events.rules.update": _("Changed the filing rules"),
    "events.feed.regenerate": _("Renewed the calendar feed address"),
    "events.attachment.scanned": _("Checked an attachment"),
    "events.filing.create": _("Created a filing"),
    "events.filing.update": _("Changed a filing"),
    "events.filing.attach": _("Attached a file to a filing"),
    "events.filing.detach": _("Removed a file from a filing"),
    "events.filing.finding_acknowledged": _("Acknowledged a checker finding"),
    "events.filing.submit": _("Submitted a filing"),
    "events.filing.sign_off": _("Signed off a filing"),
    "events.filing.approve": _("Approved a filing"),
    "events.filing.return": _("Returned a filing for revision"),
    "events.filing.reject": _("Rejected a filing"),
    "events.filing.withdraw": _("Withdrew a filing"),
    "events.filing.cancel": _("Cancelled an event"),
    "events.filing.halt": _("Halted an event"),
    "events.filing.summarize": _("Wrote the event summary"),
    "events.filing.acknowledge_summary": _("Acknowledged the event summary"),
    # channels and publications
    "publications.settings.update": _("Changed the confidential terms and review deadline"),
    "publications.channel.create": _("Added a channel"),
    "publications.channel.update": _("Changed a channel"),
    "publications.channel.pause": _("Paused a channel"),
    "publications.channel.resume": _("Resumed a channel"),
    "publications.publication.create": _("Wrote a publication"),
    "publications.publication.revise": _("Revised a publication"),
    "publications.publication.submit": _("Submitted a publication"),
    "publications.publication.finding_acknowledged": _("Acknowledged a checker finding"),
    "publications.publication.review.pass": _("Passed a review step"),
    "publications.publication.review.approve": _("Passed a review step"),
    "publications.publication.review.return": _("Returned a publication to its author"),
    "publications.publication.review.reject": _("Rejected a publication"),
    "publications.publication.published": _("Recorded a publication as published"),
    "publications.publication.withdraw": _("Recorded a withdrawal after publication"),
    # incidents
    "incidents.rules.update": _("Changed the incident report rules"),
    "incidents.incident.register": _("Reported an incident"),
    "incidents.incident.update": _("Changed an incident's details"),
    "incidents.incident.pause_channel": _("Paused a channel with the report"),
    "incidents.incident.report_phone": _("Recorded a phone report"),
    "incidents.incident.report_written": _("Made the written report"),
    "incidents.incident.follow_up": _("Made a follow-up report"),
    "incidents.incident.change_severity": _("Changed the severity"),
    "incidents.incident.mark_stable": _("Marked an incident stable"),
    "incidents.incident.close": _("Closed an incident"),
    "incidents.incident.reopen": _("Reopened an incident"),
    "incidents.incident.acknowledge": _("Acknowledged a report"),
    # study and codes of conduct
    "study.session.create": _("Recorded a study session"),
    "study.session.update": _("Changed a study session"),
    "study.session.confirm": _("Confirmed a study session"),
    "study.session.correct": _("Corrected a confirmed study session"),
    "study.session.attach": _("Attached a file to a study session"),
    "study.session.detach": _("Removed a file from a study session"),
    "study.topic.create": _("Added a study plan topic"),
    "study.topic.delete": _("Removed a study plan topic"),
    "study.material.create": _("Shared study material"),
    "study.material.attach": _("Attached a file to study material"),
    "study.material.detach": _("Removed a file from study material"),
    "study.material.delete": _("Removed study material"),
    "study.activity.create": _("Recorded an education activity"),
    "study.activity.attach": _("Attached a file to an education activity"),
    "study.activity.detach": _("Removed a file from an education activity"),
    "study.activity.delete": _("Removed an education activity"),
    "study.code.create": _("Started a code of conduct"),
    "study.version.create": _("Drafted a new version of a code"),
    "study.version.update": _("Changed a draft version of a code"),
    "study.version.submit": _("Submitted a version of a code for adoption"),
    "study.version.adopt": _("Approved a step of the adoption of a code"),
    "study.version.return": _("Returned a version of a code for revision"),
    "study.code_rules.update": _("Changed the adoption steps of codes"),
    "study.version.publish": _("Published a version of a code"),
    "study.version.acknowledge": _("Acknowledged a code"),
    # annual reports
    "reports.create": _("Generated the annual report"),
    "reports.edit": _("Wrote the annual report's narrative"),
    "reports.submit": _("Submitted the annual report"),
    "reports.acknowledge": _("Acknowledged the annual report"),
    "reports.return": _("Returned the annual report"),
}

#: Object types whose model has no translated name of its own.
OBJECTS: dict[str, Promise] = {
    "accounts.user": _("Account"), "accounts.apitoken": _("API token"),
    "orgs.organization": _("Organization"), "orgs.membership": _("Member"),
    "orgs.invitation": _("Invitation"), "notifications.workdayoverride": _("Working-day schedule"),
    "events.calendarfeed": _("Calendar feed"), "publications.channel": _("Channel"),
    "publications.publicationsettings": _("Publication settings"),
    "records.entry": _("Timeline entry"), "records.attachment": _("Attachment"),
    "records.revision": _("Revision"), "records.link": _("Link between records"),
    "records.finding": _("Finding of the check"), "reviews.decision": _("Review decision"),
    "incidents.report": _("Report to the supervising body"),
    "study.acknowledgement": _("Acknowledgement of a code of conduct"),
    "notifications.notification": _("Notice"),
}

#: Recorded fields that are not a field of the object's model (or are named otherwise).
FIELDS: dict[str, Promise] = {
    "person": _("Person"), "masked_records": _("Records masked"),
    "created_by": _("Created by"), "created_at": _("Created"), "made_by": _("Made by"),
    "uploaded_by": _("Uploaded by"), "acknowledged_by": _("Acknowledged by"),
    "acknowledged_at": _("Acknowledged"), "due_at": _("Due"), "reviewer": _("Reviewer"),
    "decided_at": _("Decided"), "submitted_by": _("Submitted by"),
    "submitted_at": _("Submitted"), "recorded_by": _("Recorded by"),
    "updated_at": _("Changed"),
    "by_organization": _("Erased by organization"), "scope": _("Scope"),
    "format1_head": _("Last hash of the old format"), "format": _("Format"),
    "records": _("Records"), "files": _("Files"),
    "action": _("Action"), "after": _("After"), "at": _("Time"), "attachments": _("Attachments"),
    "changed": _("Changed fields"), "channel": _("Channel"), "channels": _("Channels"),
    "body": _("Text"), "code": pgettext_lazy("audit", "Code"), "comment": _("Comment"), "count": _("Count"),
    "credit_code": _("Unified social credit code"), "decision": _("Decision"),
    "due": _("Due date"), "email": _("E-mail"), "failures": _("Failed attempts"),
    "file": _("File"), "grade": _("Grade"), "id": _("Number"), "item": _("Item"),
    "items": _("Items"), "kind": _("Kind"), "late": _("Late"), "name": _("Name"),
    "needs_supervisor": _("Must be cleared with the superior body"), "number": _("Number"),
    "outcome": _("Outcome"), "prefix": _("Token prefix"), "progress": _("Progress"),
    "reason": _("Reason"), "recipients": _("Recipients"), "revision": _("Revision"),
    "role": _("Role"), "round": _("Review round"), "score": _("Score"), "status": _("Status"),
    "step": _("Step"), "step_name": _("Step"), "target": _("Linked record"), "text": _("Text"),
    "title": _("Title"), "type": _("Type"), "url": _("Address (URL)"), "user": _("Person"),
    "verdict": _("Verdict"), "version": _("Version"), "year": _("Year"),
    "actions_taken": _("What was done"), "attachment": _("Attachment"),
    "attendance": _("Attendance"), "conclusion": _("Conclusion"), "due_date": _("Due date"),
    "filing": _("Event filing"), "finding": _("Finding"), "findings": _("Findings"),
    "foreign": _("Foreign party"), "halted": _("Halted"), "halted_at": _("Halted at"),
    "holders": _("Duty holders"), "instruction": _("Instruction"), "link": _("Link"),
    "masked": _("Value (masked)"), "members": _("Members"),
    "open_findings": _("Open findings"), "owner": _("Owner"), "plan_item": _("Plan item"),
    "plan_items": _("Plan items"), "published_at": _("Published at"), "report": _("Report"),
    "sha256": _("Checksum (SHA-256)"), "steps": _("Review steps"),
    "supervisor": _("Supervising body"), "terms_added": _("Terms added"),
    "terms_removed": _("Terms removed"),
    # the parts of an annual report's narrative (reports.edit)
    "narrative_plans": _("Responsibility system and annual work plan"),
    "narrative_meetings": _("Special meetings"), "narrative_events": _("Event filing and approval"),
    "narrative_publications": _("Channels and publication review"),
    "narrative_incidents": _("Incidents and important situations"),
    "narrative_study": _("Study, education and codes of conduct"),
    "narrative_problems": _("Problems and shortcomings"), "narrative_next_year": _("Next year's plan"),
}


def action_label(code: str) -> str:
    """Return the action's name in the reader's language (the code itself if unknown)."""
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the actions for a filter: per part of the trail, "all of it" and then each
    action, by label."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for prefix, group in GROUPS.items():
        codes = sorted(((c, str(label)) for c, label in ACTIONS.items()
                        if c.split(".", 1)[0] == prefix), key=lambda x: x[1])
        if codes:
            everything = (f"{prefix}.", str(_("All: %(group)s") % {"group": group}))
            groups.append((str(group), [everything, *codes]))
    return groups
