"""Choices shared by every app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Persona(models.TextChoices):
    DIRECTOR = "director", _("Director")
    SITE_MANAGER = "site_manager", _("Site manager")
    DELIVERY_LEAD = "delivery_lead", _("Delivery lead")
    RESOURCE_MANAGER = "resource_manager", _("Resource manager")
    RECRUITER = "recruiter", _("Recruiter")
    SPECIALIST = "specialist", _("Specialist")
    CLIENT_REQUESTER = "client_requester", _("Client requester")
    CLIENT_APPROVER = "client_approver", _("Client approver")


PROVIDER_PERSONAS = frozenset(
    {
        Persona.DIRECTOR,
        Persona.SITE_MANAGER,
        Persona.DELIVERY_LEAD,
        Persona.RESOURCE_MANAGER,
        Persona.RECRUITER,
        Persona.SPECIALIST,
    }
)
CLIENT_PERSONAS = frozenset({Persona.CLIENT_REQUESTER, Persona.CLIENT_APPROVER})


class Currency(models.TextChoices):
    MAD = "MAD", _("Moroccan dirham (MAD)")
    EUR = "EUR", _("Euro (EUR)")


class AuditEvent(models.TextChoices):
    USER_CREATED = "user.created", _("User created")
    USER_LOGGED_IN = "user.logged_in", _("User logged in")
    USER_LOGGED_OUT = "user.logged_out", _("User logged out")
    USER_LOGIN_FAILED = "user.login_failed", _("Login failed")
    TOKEN_ISSUED = "token.issued", _("Access token issued")
    TOKEN_REVOKED = "token.revoked", _("Access token revoked")
    ORGANISATION_CREATED = "organisation.created", _("Organisation created")
    SITE_CREATED = "site.created", _("Site created")
    SITE_UPDATED = "site.updated", _("Site updated")
    PROGRAMME_CREATED = "programme.created", _("Programme created")
    OBJECTIVE_SET = "objective.set", _("Programme objective set")
    GRADE_CREATED = "grade.created", _("Grade created")
    SKILL_CREATED = "skill.created", _("Skill created")
    SPECIALIST_CREATED = "specialist.created", _("Specialist created")
    SPECIALIST_SKILL_SET = "specialist.skill_set", _("Specialist skill set")
    SPECIALIST_DEACTIVATED = "specialist.deactivated", _("Specialist deactivated")
    ABSENCE_RECORDED = "absence.recorded", _("Absence recorded")
    SERVICE_LINE_CREATED = "service_line.created", _("Service line created")
    WORK_UNIT_CREATED = "work_unit.created", _("Work unit created")
    PRICE_LIST_CREATED = "price_list.created", _("Price list created")
    PRICE_LIST_VERSION_PUBLISHED = "price_list.version_published", _("Price list version published")
    CONTRACT_CREATED = "contract.created", _("Contract created")
    PURCHASE_ORDER_ADDED = "purchase_order.added", _("Purchase order added")
    SERVICE_LEVEL_DEFINED = "service_level.defined", _("Service level defined")
    DEMAND_CREATED = "demand.created", _("Demand created")
    DEMAND_EDITED = "demand.edited", _("Draft demand edited")
    PLAN_RUN_REQUESTED = "plan.run_requested", _("Plan run requested")
    PLAN_RUN_CANCELLED = "plan.run_cancelled", _("Plan run cancelled")
    PLAN_ACCEPTED = "plan.accepted", _("Plan accepted")
    ASSIGNMENT_PINNED = "plan.assignment_pinned", _("Assignment pinned")
    ASSIGNMENT_UNPINNED = "plan.assignment_unpinned", _("Assignment unpinned")
    SCENARIO_CREATED = "plan.scenario_created", _("Scenario created")
    ATTACHMENT_ADDED = "demand.attachment_added", _("File attached to a demand")
    ATTACHMENT_REMOVED = "demand.attachment_removed", _("File removed from a demand")
    DEMAND_SUBMITTED = "demand.submitted", _("Demand submitted")
    DEMAND_QUOTED = "demand.quoted", _("Demand quoted")
    DEMAND_ORDERED = "demand.ordered", _("Demand ordered")
    DEMAND_ORDER_OVERRIDE = "demand.order_override", _("Purchase order exceeded by a director's decision")
    DEMAND_PLANNED = "demand.planned", _("Demand planned")
    DEMAND_STARTED = "demand.started", _("Work started")
    DEMAND_DELIVERED = "demand.delivered", _("Demand delivered")
    DEMAND_ACCEPTED = "demand.accepted", _("Delivery accepted")
    DEMAND_REJECTED = "demand.rejected", _("Delivery rejected")
    DEMAND_REWORK = "demand.rework", _("Rework started")
    DEMAND_CANCELLED = "demand.cancelled", _("Demand cancelled")
    SLA_BREACHED = "sla.breached", _("Service level breached")
    DEMAND_INVOICED = "demand.invoiced", _("Demand invoiced")
    DEMAND_CREDITED = "demand.credited", _("Demand credited")
    INVOICE_PREPARED = "invoice.prepared", _("Invoice prepared")
    INVOICE_ISSUED = "invoice.issued", _("Invoice issued")
    CREDIT_NOTE_ISSUED = "invoice.credit_note_issued", _("Credit note issued")
    WORKING_HOURS_SET = "working_hours.set", _("Working hours set")
    WORKING_HOURS_REMOVED = "working_hours.removed", _("Working hours removed")
    HOLIDAY_OVERRIDE_ADDED = "holiday_override.added", _("Holiday override added")
    HOLIDAY_OVERRIDE_REMOVED = "holiday_override.removed", _("Holiday override removed")
    DEMAND_IMPORTED = "demand.imported", _("Demand imported")
    PARTNERSHIP_CREATED = "talent.partnership_created", _("School partnership created")
    PARTNERSHIP_CONTACT_ADDED = "talent.partnership_contact_added", _("School contact added")
    PARTNERSHIP_ACTION_RECORDED = "talent.partnership_action_recorded", _("Partnership action recorded")
    CAMPAIGN_CREATED = "talent.campaign_created", _("Recruitment campaign created")
    CAMPAIGN_STATUS_SET = "talent.campaign_status_set", _("Recruitment campaign opened or closed")
    CANDIDATE_ADDED = "talent.candidate_added", _("Candidate added")
    CANDIDATE_CV_ATTACHED = "talent.candidate_cv_attached", _("Candidate's CV attached")
    CANDIDATE_MOVED = "talent.candidate_moved", _("Candidate moved to another stage")
    CANDIDATE_HIRED = "talent.candidate_hired", _("Candidate hired")
    CANDIDATE_ANONYMISED = "talent.candidate_anonymised", _("Candidate's personal data anonymised")
    HEADCOUNT_TARGET_SET = "talent.headcount_target_set", _("Headcount target set")
