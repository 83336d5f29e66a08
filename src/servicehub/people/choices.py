from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DESIGNER = "designer", _("Designer")
    DEVELOPER = "developer", _("Developer")
    CONSULTANT = "consultant", _("Consultant")
    ARCHITECT = "architect", _("Architect")
    MANAGER = "manager", _("Manager")


class SkillFamily(models.TextChoices):
    DEVELOPMENT = "development", _("Software development")
    MOBILE = "mobile", _("Mobile")
    DESIGN = "design", _("Design and UX")
    DEVOPS = "devops", _("DevOps and cloud")
    DATA = "data", _("Data")
    TELECOM = "telecom", _("Telecom systems")
    FINTECH = "fintech", _("Mobile money and fintech")
    MANAGEMENT = "management", _("Management and consulting")


class AbsenceKind(models.TextChoices):
    LEAVE = "leave", _("Paid leave")
    SICKNESS = "sickness", _("Sickness")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")


SKILL_LEVELS = [(level, str(level)) for level in range(1, 6)]
