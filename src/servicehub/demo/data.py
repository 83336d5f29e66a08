"""The reference case as plain data: who, where, what is sold, to whom, at what price.

Everything here is fixed; only the roster of specialists (`roster.py`) is drawn
from the seed. Names of people are invented; organisations and schools are the
reference case's own. Demo content is French, the product's default locale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from servicehub.catalogue.choices import Complexity
from servicehub.contracts.choices import Comparison, MeasurementWindow, MeasureUnit, ServiceLevelKind
from servicehub.core.choices import Currency, Persona
from servicehub.org.choices import ObjectiveMetric, OrganisationKind
from servicehub.people.choices import Role, SkillFamily

# The demo's "today": hires happen before it, contracts and price lists run around it.
# Fixed so that the same seed gives the same data whatever the date of the build.
AS_OF = dt.date(2026, 9, 1)

PROVIDER = "sofrecom"

# ---------------------------------------------------------------------------
# Organisations, sites


@dataclass(frozen=True)
class OrganisationSpec:
    code: str
    name: str
    kind: OrganisationKind
    parent: str | None = None
    country: str = ""
    city: str = ""


# Parents come before their children. The clients form trees of their own, apart
# from the group that owns the provider: a client user sees their organisation and
# what lies below it, so the provider's tree never shows up under a client's.
ORGANISATIONS: tuple[OrganisationSpec, ...] = (
    OrganisationSpec("orange", "Orange", OrganisationKind.GROUP, country="FR", city="Paris"),
    OrganisationSpec("sofrecom", "Sofrecom", OrganisationKind.PROVIDER, "orange", "MA", "Rabat"),
    OrganisationSpec(
        "ministere-numerique",
        "Ministère chargé de l'Économie numérique",
        OrganisationKind.PUBLIC_BODY,
        country="MA",
        city="Rabat",
    ),
    OrganisationSpec("orange-sa", "Orange SA (Groupe)", OrganisationKind.CLIENT, country="FR", city="Paris"),
    OrganisationSpec(
        "orange-sa-experience",
        "Orange — Expérience client",
        OrganisationKind.BUSINESS_UNIT,
        "orange-sa",
        "FR",
        "Paris",
    ),
    OrganisationSpec(
        "orange-sa-money",
        "Orange Money / Mobile Banking",
        OrganisationKind.BUSINESS_UNIT,
        "orange-sa",
        "FR",
        "Paris",
    ),
    OrganisationSpec("orange-maroc", "Orange Maroc", OrganisationKind.CLIENT, None, "MA", "Casablanca"),
    OrganisationSpec("orange-ci", "Orange Côte d'Ivoire", OrganisationKind.CLIENT, None, "CI", "Abidjan"),
    OrganisationSpec("sonatel", "Sonatel", OrganisationKind.CLIENT, None, "SN", "Dakar"),
)

# Partner schools and universities: (code, name, city). No parent organisation.
SCHOOLS: tuple[tuple[str, str, str], ...] = (
    ("ensias", "ENSIAS — École nationale supérieure d'informatique et d'analyse des systèmes", "Rabat"),
    ("inpt", "INPT — Institut national des postes et télécommunications", "Rabat"),
    ("emi", "EMI — École Mohammadia d'ingénieurs", "Rabat"),
    ("ensa", "ENSA — École nationale des sciences appliquées", "Kénitra"),
    ("ehtp", "EHTP — École Hassania des travaux publics", "Casablanca"),
    ("um5", "Université Mohammed V de Rabat", "Rabat"),
    ("uh2c", "Université Hassan II de Casablanca", "Casablanca"),
    ("esi", "ESI — École des sciences de l'information", "Rabat"),
    ("ensem", "ENSEM — École nationale supérieure d'électricité et de mécanique", "Casablanca"),
    ("uir", "UIR — Université internationale de Rabat", "Rabat"),
    ("aui", "Université Al Akhawayn", "Ifrane"),
)


@dataclass(frozen=True)
class SiteSpec:
    code: str
    name: str
    city: str
    address: str
    opened_on: dt.date
    seats: int
    headcount: int
    number_prefix: str
    # Last day a specialist of this site may have been hired. Casablanca's ramp-up filled
    # the 180 jobs promised to the national plan (due by the end of 2020) in its first year.
    hires_until: dt.date
    # Schools the site recruits from, with weights: each centre leans on its city's schools.
    schools: tuple[tuple[str, int], ...]


SITES: tuple[SiteSpec, ...] = (
    SiteSpec(
        code="rabat",
        name="Centre de services de Rabat",
        city="Rabat",
        address="Avenue Annakhil, Hay Riad, Rabat",
        opened_on=dt.date(2004, 3, 1),
        seats=420,
        headcount=380,
        number_prefix="SOF-R-",
        hires_until=AS_OF - dt.timedelta(days=1),
        schools=(
            ("ensias", 18),
            ("inpt", 18),
            ("emi", 14),
            ("ensa", 8),
            ("ehtp", 4),
            ("um5", 10),
            ("uh2c", 3),
            ("esi", 7),
            ("ensem", 3),
            ("uir", 8),
            ("aui", 7),
        ),
    ),
    SiteSpec(
        code="casablanca",
        name="Centre de services de Casablanca",
        city="Casablanca",
        address="Casanearshore Park, 1100 boulevard Al Qods, Sidi Maârouf, Casablanca",
        opened_on=dt.date(2017, 12, 12),
        seats=220,
        headcount=180,
        number_prefix="SOF-C-",
        hires_until=dt.date(2018, 12, 31),
        schools=(
            ("ensias", 10),
            ("inpt", 10),
            ("emi", 8),
            ("ensa", 10),
            ("ehtp", 14),
            ("um5", 4),
            ("uh2c", 16),
            ("esi", 4),
            ("ensem", 14),
            ("uir", 4),
            ("aui", 6),
        ),
    ),
)

TIMEZONE = "Africa/Casablanca"
WEEKLY_HOURS = Decimal("44.0")  # the Moroccan legal working week


@dataclass(frozen=True)
class HoursSpec:
    """A site's week of working hours: the usual one, or a period's (both dates) such as Ramadan."""

    site: str
    # (weekday with Monday = 0, start, end), local time of the site
    intervals: tuple[tuple[int, dt.time, dt.time], ...]
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def hours(self) -> dict[int, list[tuple[dt.time, dt.time]]]:
        week: dict[int, list[tuple[dt.time, dt.time]]] = {}
        for weekday, start, end in self.intervals:
            week.setdefault(weekday, []).append((start, end))
        return week


# Both centres open Monday to Friday with a lunch break; during Ramadan they work
# straight through and close early, as most Moroccan offices do. Ramadan 1447 is
# expected from about 18 February to 19 March 2026 (the moon sighting decides).
USUAL_WEEK = tuple(
    (weekday, start, end)
    for weekday in range(5)
    for start, end in ((dt.time(9), dt.time(13)), (dt.time(14), dt.time(18)))
)
RAMADAN_WEEK = tuple((weekday, dt.time(9), dt.time(15)) for weekday in range(5))
RAMADAN_2026 = (dt.date(2026, 2, 18), dt.date(2026, 3, 19))
WORKING_HOURS: tuple[HoursSpec, ...] = tuple(
    spec
    for site in ("rabat", "casablanca")
    for spec in (HoursSpec(site, USUAL_WEEK), HoursSpec(site, RAMADAN_WEEK, *RAMADAN_2026))
)

# ---------------------------------------------------------------------------
# People: grades, skills, and how roles draw on them


@dataclass(frozen=True)
class GradeSpec:
    code: str
    name: str
    rank: int
    # Hourly cost in MAD (loaded salary), drawn within this range.
    cost_from: int
    cost_to: int
    # Years of service at AS_OF a person of this grade usually has.
    years_from: int
    years_to: int


GRADES: tuple[GradeSpec, ...] = (
    GradeSpec("junior", "Ingénieur junior", 1, 85, 110, 0, 3),
    GradeSpec("engineer", "Ingénieur", 2, 120, 155, 2, 7),
    GradeSpec("senior", "Ingénieur senior", 3, 165, 210, 5, 14),
    GradeSpec("lead", "Expert / lead technique", 4, 220, 280, 7, 20),
    GradeSpec("manager", "Manager", 5, 290, 360, 8, 22),
)

SKILLS: tuple[tuple[str, str, SkillFamily], ...] = (
    ("java", "Java", SkillFamily.DEVELOPMENT),
    ("spring", "Spring Boot", SkillFamily.DEVELOPMENT),
    ("react", "React", SkillFamily.DEVELOPMENT),
    ("angular", "Angular", SkillFamily.DEVELOPMENT),
    ("python", "Python", SkillFamily.DEVELOPMENT),
    ("android", "Android (Kotlin)", SkillFamily.MOBILE),
    ("ios", "iOS (Swift)", SkillFamily.MOBILE),
    ("flutter", "Flutter", SkillFamily.MOBILE),
    ("ux-design", "Design UX", SkillFamily.DESIGN),
    ("ui-design", "Design UI", SkillFamily.DESIGN),
    ("ux-research", "Recherche utilisateur", SkillFamily.DESIGN),
    ("devops", "DevOps (CI/CD)", SkillFamily.DEVOPS),
    ("kubernetes", "Kubernetes", SkillFamily.DEVOPS),
    ("aws", "Cloud AWS", SkillFamily.DEVOPS),
    ("azure", "Cloud Azure", SkillFamily.DEVOPS),
    ("data-engineering", "Ingénierie des données", SkillFamily.DATA),
    ("bi", "Informatique décisionnelle (BI)", SkillFamily.DATA),
    ("oss", "OSS (supervision, inventaire réseau)", SkillFamily.TELECOM),
    ("bss", "BSS (facturation, CRM)", SkillFamily.TELECOM),
    ("network-planning", "Planification réseau radio", SkillFamily.TELECOM),
    ("mobile-money", "Mobile money et paiement", SkillFamily.FINTECH),
    ("scrum", "Scrum et agilité", SkillFamily.MANAGEMENT),
    ("pmo", "Pilotage de projet (PMO)", SkillFamily.MANAGEMENT),
    ("digital-consulting", "Conseil en transformation digitale", SkillFamily.MANAGEMENT),
    ("it-architecture", "Architecture du SI", SkillFamily.MANAGEMENT),
)


@dataclass(frozen=True)
class Track:
    """A profile within a role: the skills that define it and the ones that often go with it."""

    weight: int
    primary: tuple[str, ...]
    secondary: tuple[str, ...]


# Share of each role in a centre's headcount: mostly developers.
ROLE_SHARES: tuple[tuple[Role, int], ...] = (
    (Role.DEVELOPER, 55),
    (Role.CONSULTANT, 15),
    (Role.DESIGNER, 12),
    (Role.ARCHITECT, 9),
    (Role.MANAGER, 9),
)

# Grade weights per role, in the order of GRADES.
ROLE_GRADES: dict[Role, tuple[int, ...]] = {
    Role.DEVELOPER: (30, 36, 24, 10, 0),
    Role.DESIGNER: (25, 40, 25, 10, 0),
    Role.CONSULTANT: (10, 30, 35, 17, 8),
    Role.ARCHITECT: (0, 0, 35, 65, 0),
    Role.MANAGER: (0, 0, 20, 30, 50),
}

ROLE_TRACKS: dict[Role, tuple[Track, ...]] = {
    Role.DEVELOPER: (
        Track(30, ("java", "spring"), ("kubernetes", "devops", "aws", "azure", "python", "angular")),
        Track(20, ("react", "angular"), ("ux-design", "java", "devops", "flutter", "spring")),
        Track(18, ("android", "ios", "flutter"), ("react", "java", "ux-design", "mobile-money", "devops")),
        Track(12, ("data-engineering", "python"), ("bi", "aws", "azure", "kubernetes", "java")),
        Track(12, ("oss", "bss"), ("java", "spring", "network-planning", "python", "devops")),
        Track(8, ("mobile-money", "java"), ("spring", "android", "react", "bss", "kubernetes")),
    ),
    Role.DESIGNER: (
        Track(70, ("ux-design", "ui-design"), ("ux-research", "react", "flutter", "scrum", "angular")),
        Track(30, ("ux-research", "ux-design"), ("ui-design", "digital-consulting", "scrum", "bi")),
    ),
    Role.CONSULTANT: (
        Track(40, ("digital-consulting", "scrum"), ("pmo", "bi", "mobile-money", "oss", "bss")),
        Track(
            35, ("oss", "bss", "network-planning"), ("digital-consulting", "scrum", "data-engineering", "pmo")
        ),
        Track(25, ("mobile-money",), ("digital-consulting", "bss", "scrum", "pmo", "bi")),
    ),
    Role.ARCHITECT: (
        Track(45, ("it-architecture", "java"), ("spring", "kubernetes", "aws", "azure", "devops")),
        Track(30, ("kubernetes", "aws", "azure"), ("it-architecture", "devops", "python", "java")),
        Track(25, ("it-architecture", "oss", "bss"), ("network-planning", "java", "kubernetes", "azure")),
    ),
    Role.MANAGER: (
        Track(
            100,
            ("pmo", "scrum"),
            ("digital-consulting", "java", "oss", "bss", "mobile-money", "ux-design", "it-architecture"),
        ),
    ),
}

# Invented names in the Moroccan style; any likeness to a real person is chance.
FIRST_NAMES_MEN: tuple[str, ...] = (
    "Mohamed",
    "Youssef",
    "Amine",
    "Omar",
    "Mehdi",
    "Hamza",
    "Anas",
    "Ayoub",
    "Soufiane",
    "Reda",
    "Karim",
    "Hicham",
    "Yassine",
    "Zakaria",
    "Ismail",
    "Ilyas",
    "Adil",
    "Othmane",
    "Badr",
    "Nabil",
    "Tarik",
    "Saïd",
    "Rachid",
    "Khalid",
    "Mustapha",
    "Abdelali",
    "Abdellah",
    "Hassan",
    "Hamid",
    "Jamal",
    "Driss",
    "Brahim",
    "Aziz",
    "Younes",
    "Marouane",
    "Achraf",
    "Walid",
    "Saad",
    "Taha",
    "Ali",
    "Salim",
    "Fouad",
    "Imad",
    "Mourad",
    "Noureddine",
    "Kamal",
    "Ayman",
    "Oussama",
    "Bilal",
    "Hatim",
)
FIRST_NAMES_WOMEN: tuple[str, ...] = (
    "Fatima Zahra",
    "Khadija",
    "Salma",
    "Imane",
    "Sara",
    "Meryem",
    "Hajar",
    "Nadia",
    "Samira",
    "Laïla",
    "Asmae",
    "Houda",
    "Ghita",
    "Kenza",
    "Yasmine",
    "Nour",
    "Hind",
    "Siham",
    "Loubna",
    "Sanaa",
    "Zineb",
    "Chaimae",
    "Oumaima",
    "Ikram",
    "Hanane",
    "Btissam",
    "Najat",
    "Rim",
    "Soukaina",
    "Aïcha",
    "Amal",
    "Dounia",
    "Hasnaa",
    "Kawtar",
    "Malak",
    "Nisrine",
    "Rajae",
    "Wafae",
    "Widad",
    "Safae",
    "Ibtissam",
    "Jihane",
    "Mouna",
    "Nawal",
    "Latifa",
    "Fadoua",
    "Karima",
    "Maha",
    "Lamia",
    "Yousra",
)
LAST_NAMES: tuple[str, ...] = (
    "Alaoui",
    "Bennani",
    "Benjelloun",
    "Tazi",
    "El Idrissi",
    "Berrada",
    "Chraïbi",
    "Fassi",
    "Amrani",
    "Lahlou",
    "Sqalli",
    "Kettani",
    "Bennis",
    "Guessous",
    "Benkirane",
    "Skalli",
    "Cherkaoui",
    "Ouazzani",
    "El Mansouri",
    "Bouzidi",
    "Zouaoui",
    "El Ouardi",
    "Lamrani",
    "Naciri",
    "Filali",
    "Sebti",
    "Hajji",
    "Belhaj",
    "Rami",
    "Ziani",
    "Haddad",
    "El Khatib",
    "Bakkali",
    "Tahiri",
    "Sentissi",
    "Raji",
    "Aït Taleb",
    "Ouchen",
    "Id Brahim",
    "Aït Lahcen",
    "Boutaleb",
    "El Amrani",
    "Benslimane",
    "Benmoussa",
    "Boukhari",
    "Chakir",
    "Daoudi",
    "Ennaji",
    "Essaïdi",
    "Farhat",
    "Ghazali",
    "Hamdaoui",
    "Jabri",
    "Kadiri",
    "Laaroussi",
    "Mabrouk",
    "Mouline",
    "Nejjar",
    "Ouali",
    "Qasmi",
    "Rahmouni",
    "Saadi",
    "Tounsi",
    "Wahbi",
    "Yacoubi",
    "Zaki",
    "Benali",
    "Harrak",
    "Moussaoui",
    "Sbaï",
    "Belkadi",
    "Chafik",
    "Dahbi",
    "El Hamdi",
    "Lazrak",
    "Mekouar",
    "Sekkat",
    "Slaoui",
    "Zniber",
    "Benchekroun",
    "Benabdallah",
    "Khaldi",
    "El Ghazi",
    "Bouhaddou",
    "Zemmouri",
    "Laghrissi",
    "Afilal",
    "Jaïdi",
    "Ouahbi",
    "Souiri",
    "Tadlaoui",
    "Berrechid",
)
# Share of women among the specialists, in percent.
WOMEN_PERCENT = 38

# Absences recorded in the demo: how many, in which window, and their usual length in days.
ABSENCE_COUNT = 36
ABSENCES_FROM = dt.date(2026, 9, 7)
ABSENCES_UNTIL = dt.date(2027, 2, 26)

# ---------------------------------------------------------------------------
# Programmes


@dataclass(frozen=True)
class ObjectiveSpec:
    metric: ObjectiveMetric
    target: Decimal
    due_on: dt.date
    label: str
    site: str | None = None


@dataclass(frozen=True)
class ProgrammeSpec:
    code: str
    name: str
    sponsor: str
    starts_on: dt.date
    ends_on: dt.date
    description: str
    objectives: tuple[ObjectiveSpec, ...]


PROGRAMMES: tuple[ProgrammeSpec, ...] = (
    ProgrammeSpec(
        code="maroc-numerique-2020",
        name="Plan Maroc Numérique 2020",
        sponsor="ministere-numerique",
        starts_on=dt.date(2016, 7, 1),
        ends_on=dt.date(2020, 12, 31),
        description="Contribution des centres de services à la stratégie nationale du numérique : "
        "emplois qualifiés créés au Maroc et projets numériques livrés.",
        objectives=(
            ObjectiveSpec(
                ObjectiveMetric.JOBS_CREATED,
                Decimal("180"),
                dt.date(2020, 12, 31),
                "180 emplois créés au centre de Casablanca",
                "casablanca",
            ),
            ObjectiveSpec(
                ObjectiveMetric.PROJECTS_DELIVERED,
                Decimal("40"),
                dt.date(2020, 12, 31),
                "40 projets numériques livrés",
            ),
            ObjectiveSpec(
                ObjectiveMetric.SPECIALISTS_TRAINED,
                Decimal("250"),
                dt.date(2020, 12, 31),
                "250 spécialistes formés aux métiers du numérique",
            ),
        ),
    ),
    ProgrammeSpec(
        code="transformation-digitale-groupe",
        name="Transformation digitale du Groupe — hub Afrique et Moyen-Orient",
        sponsor="orange",
        starts_on=dt.date(2021, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        description="Les centres de Rabat et de Casablanca, hub régional des projets de transformation "
        "digitale du Groupe et de ses filiales africaines.",
        objectives=(
            ObjectiveSpec(
                ObjectiveMetric.PROJECTS_DELIVERED,
                Decimal("150"),
                dt.date(2027, 12, 31),
                "150 projets de transformation livrés aux entités du Groupe",
            ),
            ObjectiveSpec(
                ObjectiveMetric.REVENUE,
                Decimal("60000000"),
                dt.date(2027, 12, 31),
                "60 M MAD de chiffre d'affaires cumulé",
            ),
            ObjectiveSpec(
                ObjectiveMetric.SPECIALISTS_TRAINED,
                Decimal("400"),
                dt.date(2026, 12, 31),
                "400 spécialistes certifiés cloud ou agilité",
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------
# Catalogue

SERVICE_LINES: tuple[tuple[str, str], ...] = (
    ("dev", "Développement applicatif"),
    ("mobile", "Applications mobiles"),
    ("ux", "Design UX/UI"),
    ("devops", "DevOps et cloud"),
    ("oss-bss", "Intégration OSS/BSS"),
    ("data", "Data et BI"),
)


@dataclass(frozen=True)
class WorkUnitSpec:
    code: str
    service_line: str
    deliverable: str
    description: str
    # Effort chart in hours: simple, medium, complex, very complex.
    hours: tuple[int, int, int, int]

    def efforts(self) -> dict[Complexity, Decimal]:
        return {grade: Decimal(h) for grade, h in zip(Complexity, self.hours, strict=True)}


# The skills each work unit needs and their least level (a complex grade asks one level more).
WORK_UNIT_SKILLS: dict[str, tuple[tuple[str, int], ...]] = {
    "DEV-ECRAN": (("java", 2), ("react", 2)),
    "DEV-API": (("java", 3), ("spring", 2)),
    "DEV-BATCH": (("java", 3),),
    "DEV-CORR": (("java", 2),),
    "MOB-ECRAN": (("flutter", 2),),
    "MOB-PUBLI": (("android", 2),),
    "UX-PARCOURS": (("ux-research", 2),),
    "UX-MAQUETTE": (("ui-design", 2),),
    "UX-TEST": (("ux-research", 3),),
    "OPS-PIPELINE": (("devops", 3),),
    "OPS-MIGRATION": (("kubernetes", 2), ("aws", 2)),
    "BSS-OFFRE": (("bss", 3),),
    "OSS-INTERFACE": (("oss", 2), ("java", 2)),
    "OSS-SUPERVISION": (("oss", 3),),
    "DATA-FLUX": (("data-engineering", 2), ("python", 2)),
    "DATA-RAPPORT": (("bi", 2),),
    "DATA-TDB": (("bi", 3),),
}

WORK_UNITS: tuple[WorkUnitSpec, ...] = (
    WorkUnitSpec(
        "DEV-ECRAN",
        "dev",
        "Écran web (front et back)",
        "Un écran avec ses services et ses tests.",
        (8, 20, 40, 80),
    ),
    WorkUnitSpec(
        "DEV-API",
        "dev",
        "Service d'API REST",
        "Une ressource d'API documentée (OpenAPI) et testée.",
        (12, 28, 56, 112),
    ),
    WorkUnitSpec(
        "DEV-BATCH",
        "dev",
        "Traitement par lots",
        "Un traitement planifié, avec reprise sur erreur.",
        (16, 36, 72, 140),
    ),
    WorkUnitSpec(
        "DEV-CORR",
        "dev",
        "Correction d'anomalie",
        "Analyse, correction et test de non-régression.",
        (4, 8, 16, 32),
    ),
    WorkUnitSpec(
        "MOB-ECRAN",
        "mobile",
        "Écran d'application mobile",
        "Un écran Android et iOS, ou Flutter.",
        (10, 24, 48, 96),
    ),
    WorkUnitSpec(
        "MOB-PUBLI",
        "mobile",
        "Publication sur les magasins d'applications",
        "Préparation, signature et soumission d'une version.",
        (4, 8, 16, 24),
    ),
    WorkUnitSpec(
        "UX-PARCOURS",
        "ux",
        "Parcours utilisateur",
        "Cartographie d'un parcours et de ses irritants.",
        (12, 28, 56, 100),
    ),
    WorkUnitSpec(
        "UX-MAQUETTE",
        "ux",
        "Maquette interactive",
        "Maquette haute fidélité conforme à la charte.",
        (8, 20, 40, 72),
    ),
    WorkUnitSpec(
        "UX-TEST",
        "ux",
        "Session de tests utilisateurs",
        "Protocole, sessions et restitution.",
        (16, 32, 56, 96),
    ),
    WorkUnitSpec(
        "OPS-PIPELINE",
        "devops",
        "Chaîne d'intégration et de déploiement continus",
        "Pipeline de construction, de tests et de déploiement.",
        (12, 28, 56, 96),
    ),
    WorkUnitSpec(
        "OPS-K8S",
        "devops",
        "Déploiement d'un service sur Kubernetes",
        "Manifestes, supervision et procédure d'exploitation.",
        (8, 20, 40, 80),
    ),
    WorkUnitSpec(
        "OPS-MIGRATION",
        "devops",
        "Migration d'une application vers le cloud",
        "Étude, migration et bascule d'une application.",
        (40, 100, 200, 400),
    ),
    WorkUnitSpec(
        "BSS-OFFRE",
        "oss-bss",
        "Paramétrage d'une offre commerciale",
        "Offre, tarifs et règles de facturation dans le BSS.",
        (6, 16, 32, 64),
    ),
    WorkUnitSpec(
        "OSS-INTERFACE",
        "oss-bss",
        "Interface OSS/BSS",
        "Un flux entre deux systèmes, de bout en bout.",
        (16, 40, 80, 160),
    ),
    WorkUnitSpec(
        "OSS-SUPERVISION",
        "oss-bss",
        "Règle de supervision réseau",
        "Règle d'alarme ou de corrélation, avec sa documentation.",
        (4, 10, 20, 40),
    ),
    WorkUnitSpec(
        "DATA-FLUX",
        "data",
        "Flux d'ingestion de données",
        "Collecte, contrôle et chargement d'une source.",
        (12, 28, 56, 112),
    ),
    WorkUnitSpec(
        "DATA-RAPPORT", "data", "Rapport décisionnel", "Un rapport et son jeu d'indicateurs.", (8, 16, 32, 64)
    ),
    WorkUnitSpec(
        "DATA-TDB", "data", "Tableau de bord", "Un tableau de bord interactif de pilotage.", (12, 24, 48, 96)
    ),
)

# Volume discount on the bigger grades of a work unit.
COMPLEXITY_FACTORS: dict[Complexity, Decimal] = {
    Complexity.SIMPLE: Decimal("1.00"),
    Complexity.MEDIUM: Decimal("1.00"),
    Complexity.COMPLEX: Decimal("0.97"),
    Complexity.VERY_COMPLEX: Decimal("0.95"),
}


@dataclass(frozen=True)
class PriceListSpec:
    code: str
    name: str
    currency: Currency
    # Prices are rounded to this step (whole euros, tens of dirhams).
    rounding: Decimal
    # Each version: valid from, and the hourly rate its prices are computed from.
    versions: tuple[tuple[dt.date, Decimal], ...]


PRICE_LISTS: tuple[PriceListSpec, ...] = (
    PriceListSpec(
        "uo-groupe-eur",
        "Catalogue d'UO — entités du Groupe (EUR)",
        Currency.EUR,
        Decimal("1"),
        ((dt.date(2024, 1, 1), Decimal("42")), (dt.date(2026, 1, 1), Decimal("44"))),
    ),
    PriceListSpec(
        "uo-maroc-mad",
        "Catalogue d'UO — Orange Maroc (MAD)",
        Currency.MAD,
        Decimal("10"),
        ((dt.date(2024, 7, 1), Decimal("390")), (dt.date(2026, 1, 1), Decimal("405"))),
    ),
    PriceListSpec(
        "uo-afrique-eur",
        "Catalogue d'UO — filiales Afrique (EUR)",
        Currency.EUR,
        Decimal("1"),
        ((dt.date(2025, 1, 1), Decimal("38")),),
    ),
)

# ---------------------------------------------------------------------------
# Contracts


@dataclass(frozen=True)
class ServiceLevelSpec:
    code: str
    name: str
    kind: ServiceLevelKind
    comparison: Comparison
    threshold: Decimal
    unit: MeasureUnit
    window: MeasurementWindow
    penalty_percent: Decimal
    penalty_cap_percent: Decimal
    # The clock, in demand states (see demands/sla.py); rate indicators without one count deliveries.
    clock_start: tuple[str, ...] = ()
    clock_stop: tuple[str, ...] = ()
    target_hours: Decimal | None = None


def _levels(resolution_hours: int, response_hours: int) -> tuple[ServiceLevelSpec, ...]:
    return (
        ServiceLevelSpec(
            "prise-en-charge",
            "Délai de prise en charge d'une demande",
            ServiceLevelKind.RESPONSE_TIME,
            Comparison.AT_MOST,
            Decimal(response_hours),
            MeasureUnit.BUSINESS_HOURS,
            MeasurementWindow.MONTHLY,
            Decimal("1"),
            Decimal("5"),
            clock_start=("submitted",),
            clock_stop=("quoted", "cancelled"),
            target_hours=Decimal(response_hours),
        ),
        ServiceLevelSpec(
            "resolution",
            "Délai de résolution d'une anomalie bloquante",
            ServiceLevelKind.RESOLUTION_TIME,
            Comparison.AT_MOST,
            Decimal(resolution_hours),
            MeasureUnit.BUSINESS_HOURS,
            MeasurementWindow.MONTHLY,
            Decimal("2"),
            Decimal("10"),
            # A rejected delivery is the blocking defect: its clock runs until the fix is delivered.
            clock_start=("rejected",),
            clock_stop=("delivered",),
            target_hours=Decimal(resolution_hours),
        ),
        ServiceLevelSpec(
            "livraison-a-temps",
            "Taux de livraison dans les délais",
            ServiceLevelKind.ON_TIME_DELIVERY,
            Comparison.AT_LEAST,
            Decimal("95"),
            MeasureUnit.PERCENT,
            MeasurementWindow.MONTHLY,
            Decimal("3"),
            Decimal("10"),
            # Three weeks of business time from the order to the first delivery.
            clock_start=("ordered",),
            clock_stop=("delivered",),
            target_hours=Decimal("120"),
        ),
        ServiceLevelSpec(
            "recette-premier-passage",
            "Taux d'acceptation en première recette",
            ServiceLevelKind.FIRST_TIME_ACCEPTANCE,
            Comparison.AT_LEAST,
            Decimal("90"),
            MeasureUnit.PERCENT,
            MeasurementWindow.QUARTERLY,
            Decimal("2"),
            Decimal("8"),
        ),
    )


STANDARD_LEVELS = _levels(resolution_hours=16, response_hours=4)
# The operator's own systems are in production: faster response and resolution.
OPERATOR_LEVELS = _levels(resolution_hours=8, response_hours=2)

# Incidents rather than deliverables: the clocks read the states an imported ServiceNow incident
# goes through (demands/imports/servicenow.py): opened (submitted) or taken up at once (in
# progress), resolved (delivered), closed (accepted). Waiting on the user pauses them through the
# events' flag rather than a state, since an incident waits on the user while in progress.
INCIDENT_OPENED = ("submitted", "in_progress")
INCIDENT_RESOLVED = ("delivered", "accepted")
INCIDENT_LEVELS: tuple[ServiceLevelSpec, ...] = (
    ServiceLevelSpec(
        "prise-en-charge-incident",
        "Délai de prise en charge d'un incident",
        ServiceLevelKind.RESPONSE_TIME,
        Comparison.AT_MOST,
        Decimal("4"),
        MeasureUnit.BUSINESS_HOURS,
        MeasurementWindow.MONTHLY,
        Decimal("1"),
        Decimal("5"),
        clock_start=("submitted",),
        clock_stop=("in_progress", *INCIDENT_RESOLVED),
        target_hours=Decimal("4"),
    ),
    ServiceLevelSpec(
        "resolution-incident",
        "Délai moyen de résolution d'un incident",
        ServiceLevelKind.RESOLUTION_TIME,
        Comparison.AT_MOST,
        Decimal("16"),
        MeasureUnit.BUSINESS_HOURS,
        MeasurementWindow.MONTHLY,
        Decimal("2"),
        Decimal("10"),
        clock_start=INCIDENT_OPENED,
        clock_stop=INCIDENT_RESOLVED,
        target_hours=Decimal("16"),
    ),
    ServiceLevelSpec(
        "taux-resolution-incident",
        "Taux d'incidents résolus en 16 heures ouvrées",
        ServiceLevelKind.RESOLUTION_TIME,
        Comparison.AT_LEAST,
        Decimal("90"),
        MeasureUnit.PERCENT,
        MeasurementWindow.MONTHLY,
        Decimal("2"),
        Decimal("10"),
        clock_start=INCIDENT_OPENED,
        clock_stop=INCIDENT_RESOLVED,
        target_hours=Decimal("16"),
    ),
)


@dataclass(frozen=True)
class PurchaseOrderSpec:
    number: str
    amount: Decimal
    issued_on: dt.date
    valid_until: dt.date


def _po(number: str, amount: str, issued_on: dt.date, valid_until: dt.date) -> PurchaseOrderSpec:
    return PurchaseOrderSpec(number, Decimal(amount), issued_on, valid_until)


@dataclass(frozen=True)
class ContractSpec:
    reference: str
    title: str
    client: str
    sites: tuple[str, ...]
    price_list: str
    version: int
    starts_on: dt.date
    ends_on: dt.date
    purchase_orders: tuple[PurchaseOrderSpec, ...]
    service_levels: tuple[ServiceLevelSpec, ...]


# The contract a client's incident history is imported into and measured on:
#   servicehub import servicenow incident_event_log.csv --contract SOF-RUN-2016-007
# It covers the reference log's year (29 February 2016 to 18 February 2017), so the replayed
# year of demands leaves it alone. Its incidents are imported, never quoted: the price list is
# only the link every contract has.
INCIDENT_CONTRACT = "SOF-RUN-2016-007"

CONTRACTS: tuple[ContractSpec, ...] = (
    ContractSpec(
        "SOF-CS-2024-001",
        "Centre de services digital — Expérience client",
        "orange-sa-experience",
        ("rabat", "casablanca"),
        "uo-groupe-eur",
        1,
        dt.date(2024, 1, 1),
        dt.date(2026, 12, 31),
        (
            _po("BC-EXP-2024", "400000", dt.date(2024, 1, 15), dt.date(2024, 12, 31)),
            _po("BC-EXP-2025", "450000", dt.date(2025, 1, 10), dt.date(2025, 12, 31)),
            _po("BC-EXP-2026", "480000", dt.date(2026, 1, 12), dt.date(2026, 12, 31)),
        ),
        STANDARD_LEVELS,
    ),
    ContractSpec(
        "SOF-CS-2026-002",
        "Centre de services — Orange Money et banque mobile",
        "orange-sa-money",
        ("casablanca",),
        "uo-groupe-eur",
        2,
        dt.date(2026, 1, 1),
        dt.date(2028, 12, 31),
        (_po("BC-OM-2026", "350000", dt.date(2026, 1, 20), dt.date(2026, 12, 31)),),
        STANDARD_LEVELS,
    ),
    ContractSpec(
        "SOF-CS-2024-003",
        "Centre de services Orange Maroc — digital et OSS/BSS",
        "orange-maroc",
        ("rabat", "casablanca"),
        "uo-maroc-mad",
        1,
        dt.date(2024, 7, 1),
        dt.date(2025, 12, 31),
        (_po("BC-OMA-2024", "2400000", dt.date(2024, 7, 15), dt.date(2025, 12, 31)),),
        OPERATOR_LEVELS,
    ),
    ContractSpec(
        "SOF-CS-2026-004",
        "Centre de services Orange Maroc — renouvellement 2026-2028",
        "orange-maroc",
        ("rabat", "casablanca"),
        "uo-maroc-mad",
        2,
        dt.date(2026, 1, 1),
        dt.date(2028, 12, 31),
        (_po("BC-OMA-2026", "5200000", dt.date(2026, 1, 15), dt.date(2026, 12, 31)),),
        OPERATOR_LEVELS,
    ),
    ContractSpec(
        "SOF-CS-2025-005",
        "Centre de services — Orange Côte d'Ivoire",
        "orange-ci",
        ("rabat",),
        "uo-afrique-eur",
        1,
        dt.date(2025, 1, 1),
        dt.date(2027, 12, 31),
        (
            _po("BC-OCI-2025", "180000", dt.date(2025, 2, 1), dt.date(2025, 12, 31)),
            _po("BC-OCI-2026", "220000", dt.date(2026, 1, 15), dt.date(2026, 12, 31)),
        ),
        STANDARD_LEVELS,
    ),
    ContractSpec(
        "SOF-CS-2025-006",
        "Centre de services — Sonatel",
        "sonatel",
        ("casablanca",),
        "uo-afrique-eur",
        1,
        dt.date(2025, 3, 1),
        dt.date(2027, 12, 31),
        (_po("BC-SNT-2025", "150000", dt.date(2025, 3, 15), dt.date(2026, 2, 28)),),
        STANDARD_LEVELS,
    ),
    ContractSpec(
        INCIDENT_CONTRACT,
        "Support applicatif Orange Maroc — incidents (historique ServiceNow 2016-2017)",
        "orange-maroc",
        ("rabat",),
        "uo-maroc-mad",
        1,
        dt.date(2016, 1, 1),
        dt.date(2017, 12, 31),
        (_po("BC-OMA-RUN-2016", "1500000", dt.date(2016, 1, 15), dt.date(2017, 12, 31)),),
        INCIDENT_LEVELS,
    ),
)

# ---------------------------------------------------------------------------
# Demo sign-ins

DEMO_PASSWORD = "servicehub-demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    persona: Persona
    organisation: str
    site: str | None
    first_name: str
    last_name: str
    description: str


# The specialist's account is linked to a specialist record of the roster, whose
# name it takes; hence the empty names below.
DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "directeur",
        Persona.DIRECTOR,
        PROVIDER,
        None,
        "Leïla",
        "Benjelloun",
        "Directrice des centres : tous les sites, contrats et objectifs",
    ),
    DemoLogin(
        "manager.casa",
        Persona.SITE_MANAGER,
        PROVIDER,
        "casablanca",
        "Youssef",
        "Tazi",
        "Responsable du centre de Casablanca",
    ),
    DemoLogin(
        "delivery",
        Persona.DELIVERY_LEAD,
        PROVIDER,
        None,
        "Samira",
        "El Idrissi",
        "Responsable de la production : chiffrages, livraisons, revue mensuelle",
    ),
    DemoLogin(
        "ressources",
        Persona.RESOURCE_MANAGER,
        PROVIDER,
        None,
        "Hicham",
        "Berrada",
        "Gestionnaire des ressources : affectations, scénarios",
    ),
    DemoLogin(
        "recrutement",
        Persona.RECRUITER,
        PROVIDER,
        None,
        "Imane",
        "Chraïbi",
        "Chargée de recrutement : écoles partenaires, campagnes",
    ),
    DemoLogin(
        "specialiste",
        Persona.SPECIALIST,
        PROVIDER,
        "rabat",
        "",
        "",
        "Spécialiste (développement) au centre de Rabat : ses affectations, ses temps",
    ),
    DemoLogin(
        "client.maroc",
        Persona.CLIENT_REQUESTER,
        "orange-maroc",
        None,
        "Rachid",
        "Amrani",
        "Demandeur chez Orange Maroc",
    ),
    DemoLogin(
        "approbateur.maroc",
        Persona.CLIENT_APPROVER,
        "orange-maroc",
        None,
        "Naïma",
        "Fassi",
        "Approbateur chez Orange Maroc : devis et recettes",
    ),
    DemoLogin(
        "client.groupe",
        Persona.CLIENT_REQUESTER,
        "orange-sa",
        None,
        "Claire",
        "Martin",
        "Demandeuse au Groupe : voit ses deux unités métier",
    ),
    DemoLogin(
        "client.ci",
        Persona.CLIENT_REQUESTER,
        "orange-ci",
        None,
        "Aya",
        "Kouassi",
        "Demandeuse chez Orange Côte d'Ivoire : ne voit rien d'Orange Maroc",
    ),
)

# ---------------------------------------------------------------------------
# Talent: school partnerships, headcount targets, the campaigns open at AS_OF


@dataclass(frozen=True)
class PartnershipSpec:
    school: str
    since: dt.date
    fields: str
    # The school's contact for the centre: name, title.
    contact: tuple[str, str]
    # The site its interns and recruitment days go to; the other one may host some too.
    site: str


PARTNERSHIPS: tuple[PartnershipSpec, ...] = (
    PartnershipSpec(
        "ensias",
        dt.date(2004, 3, 1),
        "Génie logiciel, ingénierie web et mobile, intelligence artificielle",
        ("Nadia Lamrani", "Responsable des relations entreprises"),
        "rabat",
    ),
    PartnershipSpec(
        "inpt",
        dt.date(2004, 6, 15),
        "Réseaux et télécommunications, systèmes embarqués, science des données",
        ("Karim Ouazzani", "Directeur des stages et de l'insertion"),
        "rabat",
    ),
    PartnershipSpec(
        "emi",
        dt.date(2005, 10, 1),
        "Génie informatique, génie des procédés industriels",
        ("Latifa Benkirane", "Chargée des partenariats"),
        "rabat",
    ),
    PartnershipSpec(
        "um5",
        dt.date(2006, 11, 1),
        "Masters en informatique et en ingénierie des données",
        ("Abdelhak Skalli", "Vice-doyen chargé des partenariats"),
        "rabat",
    ),
    PartnershipSpec(
        "esi",
        dt.date(2008, 2, 1),
        "Systèmes d'information, ingénierie des données, veille",
        ("Meryem Filali", "Responsable des relations entreprises"),
        "rabat",
    ),
    PartnershipSpec(
        "ensa",
        dt.date(2009, 9, 15),
        "Génie informatique, réseaux et télécommunications",
        ("Rachid Bennani", "Coordinateur des stages"),
        "rabat",
    ),
    PartnershipSpec(
        "ehtp",
        dt.date(2010, 5, 1),
        "Génie informatique, systèmes d'information géographique",
        ("Houda Sebti", "Directrice des relations entreprises"),
        "casablanca",
    ),
    PartnershipSpec(
        "aui",
        dt.date(2011, 10, 1),
        "Computer science, business administration",
        ("Samir Alami", "Career services director"),
        "rabat",
    ),
    PartnershipSpec(
        "uir",
        dt.date(2014, 1, 15),
        "Informatique et cybersécurité, design numérique",
        ("Sanaa El Ouafi", "Responsable des partenariats entreprises"),
        "rabat",
    ),
    PartnershipSpec(
        "uh2c",
        dt.date(2017, 9, 1),
        "Licences et masters d'informatique, ingénierie logicielle (FST Mohammedia)",
        ("Mustapha Kettani", "Chargé de mission insertion professionnelle"),
        "casablanca",
    ),
    PartnershipSpec(
        "ensem",
        dt.date(2017, 9, 1),
        "Génie informatique, génie électrique, systèmes intelligents",
        ("Zineb Chaoui", "Responsable des stages et des relations entreprises"),
        "casablanca",
    ),
)

# A few joint projects with schools: (school, title, site, from, until, team size).
PARTNERSHIP_PROJECTS: tuple[tuple[str, str, str, dt.date, dt.date, int], ...] = (
    (
        "ensias",
        "Chaire « Ingénierie logicielle pour les opérateurs »",
        "rabat",
        dt.date(2012, 10, 1),
        dt.date(2015, 6, 30),
        6,
    ),
    (
        "inpt",
        "Laboratoire commun OSS/BSS et supervision réseau",
        "rabat",
        dt.date(2015, 1, 15),
        dt.date(2017, 12, 31),
        5,
    ),
    (
        "ehtp",
        "Hackathon mobile money pour l'ouverture de Casanearshore",
        "casablanca",
        dt.date(2018, 3, 10),
        dt.date(2018, 3, 11),
        40,
    ),
    (
        "ensem",
        "Programme de reconversion au numérique (Plan Maroc Numérique 2020)",
        "casablanca",
        dt.date(2018, 9, 1),
        dt.date(2020, 6, 30),
        60,
    ),
    (
        "uir",
        "Atelier de design de services avec les étudiants en design numérique",
        "rabat",
        dt.date(2021, 4, 1),
        dt.date(2021, 6, 15),
        12,
    ),
    (
        "um5",
        "Projet de recherche : prévision de charge des centres de services",
        "rabat",
        dt.date(2024, 10, 1),
        dt.date(2026, 6, 30),
        4,
    ),
)

# The headcount each site aimed at by a date; between two milestones the plan is linear. They
# follow the roster's hires: Rabat grew slowly then fast from 2013, to 380; Casablanca, opened on
# 12 December 2017, ramped to the 180 jobs promised to the national plan by the end of 2020.
HEADCOUNT_TARGETS: tuple[tuple[str, dt.date, int, str], ...] = (
    ("rabat", dt.date(2004, 3, 1), 0, "Ouverture du centre"),
    ("rabat", dt.date(2008, 12, 31), 25, ""),
    ("rabat", dt.date(2012, 12, 31), 40, ""),
    ("rabat", dt.date(2016, 12, 31), 120, "Montée en charge des projets du Groupe"),
    ("rabat", dt.date(2020, 12, 31), 210, ""),
    ("rabat", dt.date(2024, 12, 31), 320, "Hub Afrique et Moyen-Orient"),
    ("rabat", dt.date(2026, 8, 31), 380, "Capacité cible du centre"),
    ("casablanca", dt.date(2017, 12, 12), 0, "Ouverture du centre"),
    ("casablanca", dt.date(2018, 6, 30), 90, ""),
    ("casablanca", dt.date(2018, 12, 31), 180, "180 emplois du Plan Maroc Numérique 2020"),
)

# Campaign titles by role, as "<title> — <site> <year>".
CAMPAIGN_TITLES: dict[Role, str] = {
    Role.DEVELOPER: "Développeurs",
    Role.DESIGNER: "Designers UX/UI",
    Role.CONSULTANT: "Consultants",
    Role.ARCHITECT: "Architectes",
    Role.MANAGER: "Managers de projet",
}

# Other candidates per hire in the campaigns of the past (rejected or withdrew), at least and at most.
OTHER_CANDIDATES = (1, 5)


@dataclass(frozen=True)
class OpenCampaignSpec:
    site: str
    role: Role
    title: str
    openings: int
    opens_on: dt.date
    closes_on: dt.date
    skills: tuple[tuple[str, int], ...]
    # How many candidates stand at each stage at AS_OF: applied, screened, interview, offer,
    # rejected, withdrew.
    stages: tuple[int, int, int, int, int, int]


OPEN_CAMPAIGNS: tuple[OpenCampaignSpec, ...] = (
    OpenCampaignSpec(
        "rabat",
        Role.DEVELOPER,
        "Développeurs Java/Spring — Rabat, rentrée 2026",
        8,
        dt.date(2026, 6, 15),
        dt.date(2026, 10, 31),
        (("java", 3), ("spring", 3)),
        (6, 4, 3, 2, 4, 1),
    ),
    OpenCampaignSpec(
        "rabat",
        Role.DESIGNER,
        "Designers UX — Rabat 2026",
        2,
        dt.date(2026, 7, 1),
        dt.date(2026, 11, 30),
        (("ux-design", 3),),
        (3, 2, 1, 1, 2, 1),
    ),
    OpenCampaignSpec(
        "casablanca",
        Role.CONSULTANT,
        "Consultants mobile money — Casablanca 2026",
        4,
        dt.date(2026, 7, 15),
        dt.date(2026, 12, 15),
        (("mobile-money", 3), ("digital-consulting", 2)),
        (4, 3, 2, 1, 2, 1),
    ),
)
