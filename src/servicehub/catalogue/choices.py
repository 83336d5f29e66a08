from django.db import models
from django.utils.translation import gettext_lazy as _


class Complexity(models.TextChoices):
    SIMPLE = "simple", _("Simple")
    MEDIUM = "medium", _("Medium")
    COMPLEX = "complex", _("Complex")
    VERY_COMPLEX = "very_complex", _("Very complex")
