"""The demo world: län, samordningsförbund, their parties and insatser, staff and demo users.

Names follow the seed documents where they give them (Södra Dalarnas samordningsförbund and
its three samverkansteam, Samordningsförbundet Sydnärke's teams and insatser, the other
förbund of Örebro län, Samverkansteam Avesta's staff and 2022 budget). Everything else — the
Västmanland förbund's insatser, other staff, rates — is invented but plausible. The numbers
here are per year at scale 1.0; ``builder`` draws the participants from them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from samspar.access.scoping import Role
from samspar.organisation.models import FollowUpMethod, InsatsKind

D = dt.date
PERSONAL = FollowUpMethod.PERSONAL
ANONYMOUS = FollowUpMethod.ANONYMOUS
VOLUME = FollowUpMethod.VOLUME
INDIVIDUAL = InsatsKind.INDIVIDUAL
STRUCTURAL = InsatsKind.STRUCTURAL

Weights = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Staff:
    name: str
    role: str
    fte: float
    employer: str  # "fk", "af", "region" or a municipality code
    start: dt.date
    end: dt.date | None = None


@dataclass(frozen=True)
class InsatsSpec:
    name: str
    start: dt.date
    kind: str = INDIVIDUAL
    method: str = PERSONAL
    end: dt.date | None = None
    team: str = ""
    trial_months: int = 0
    target_group: str = ""
    # Per year: new enrolments (personal), participants (volume, structural, anonymous).
    per_year: float = 0.0
    budgeted: int = 0  # budgeted participants per year (InsatsYear)
    budget: int = 0  # yearly budget in SEK, split on cost categories
    mean_months: float = 14.0  # mean time in the insats
    women: float = 0.55
    young: bool = False  # aimed at young adults (18–29)
    municipalities: Weights = ()  # overrides the förbund's kommun weights
    staying_share: float = 0.02  # registered by vistelsekommun
    referrals: Weights = ()  # overrides DEFAULT_REFERRALS
    end_reasons: Weights = ()  # overrides DEFAULT_END_REASONS
    supply_boost: Weights = ()  # multiplies the weight of a first supply type
    anonymous_per_year: float = 1.5  # anonymous participants beside the personal ones
    transfers_from: str = ""  # an insats of the same förbund participants move on from
    staff: tuple[Staff, ...] = ()
    staff_size: int = 3  # coaches to invent when ``staff`` is empty


@dataclass(frozen=True)
class ForbundSpec:
    name: str
    county: str
    region: str
    kommuner: tuple[tuple[str, str, float], ...]  # (municipality code, party name, weight)
    insatser: tuple[InsatsSpec, ...]


@dataclass(frozen=True)
class UserSpec:
    username: str
    first_name: str
    last_name: str
    role: Role
    forbund: str = ""
    insatser: tuple[str, ...] = ()


# Referring actors of new participants (seed 002: region 40 %, kommun 37 %, FK 15 %, AF 7 %).
DEFAULT_REFERRALS: Weights = (
    ("region-psykiatri", 17),
    ("region-vardcentral", 10),
    ("region-habilitering", 2),
    ("region-annan", 2),
    ("kommun-socialtjanst", 20),
    ("kommun-ame", 8),
    ("kommun-annan", 4),
    ("fk", 15),
    ("af", 12),
    ("egen-egen", 3),
    ("egen-anhorig", 1.5),
    ("annat-forbund", 1),
    ("ovrig", 1.5),
)

# End reasons of those who did not drop out early (work ≈ 21 %, towards goal ≈ 45 %).
DEFAULT_END_REASONS: Weights = (
    ("arbete", 14),
    ("arbete-med-stod", 8),
    ("studier", 9),
    ("annan-rehab", 15),
    ("arbetssokande", 11),
    ("ersattning", 7),
    ("medicinsk-rehab", 14),
    ("foraldraledighet", 3),
    ("flytt", 4),
    ("avbrott", 6),
    ("annat", 7),
    ("felregistrering", 2),
)

_SODRA_DALARNA = ForbundSpec(
    name="Södra Dalarnas samordningsförbund",
    county="20",
    region="Region Dalarna",
    kommuner=(
        ("2084", "Avesta kommun", 23),
        ("2083", "Hedemora kommun", 15),
        ("2082", "Säters kommun", 11),
    ),
    insatser=(
        InsatsSpec(
            "Samverkansteam Avesta",
            D(2015, 5, 13),
            trial_months=2,
            target_group=(
                "Personer 18–64 år i Avesta kommun med behov av samordnad arbetslivsinriktad "
                "rehabilitering som står långt från arbetsmarknaden."
            ),
            per_year=32,
            budgeted=70,
            budget=2_300_000,
            mean_months=19,
            municipalities=(("2084", 96), ("2083", 2), ("2082", 2)),
            referrals=(
                ("region-psykiatri", 30),
                ("region-vardcentral", 7),
                ("region-habilitering", 2),
                ("region-annan", 1.5),
                ("kommun-socialtjanst", 27),
                ("kommun-ame", 8),
                ("kommun-annan", 2.5),
                ("fk", 15.5),
                ("af", 6.5),
            ),
            end_reasons=(
                ("arbete", 14),
                ("arbete-med-stod", 9),
                ("studier", 7),
                ("annan-rehab", 22),
                ("arbetssokande", 6),
                ("ersattning", 5),
                ("medicinsk-rehab", 18),
                ("foraldraledighet", 3),
                ("flytt", 3),
                ("avbrott", 5),
                ("annat", 6),
                ("felregistrering", 2),
            ),
            staff=(
                Staff("Sonja Tiger", "Verksamhetssamordnare/coach", 100, "2084", D(2015, 5, 13)),
                Staff("Jan Pettersson", "Coach", 100, "2084", D(2017, 2, 1), D(2022, 6, 30)),
                Staff("Jan Pettersson", "Coach", 80, "2084", D(2022, 7, 1)),
                Staff("Malin Hagström", "Coach", 100, "2084", D(2018, 8, 15)),
                Staff(
                    "Karin Dilts Lindblom",
                    "Representant vuxenpsykiatrin",
                    20,
                    "region",
                    D(2019, 1, 1),
                ),
                Staff(
                    "Anna-Lena Holmberg",
                    "Socialsekreterare, socialtjänsten",
                    20,
                    "2084",
                    D(2016, 1, 1),
                ),
                Staff(
                    "Veronica Stenbäck",
                    "Handläggare Försäkringskassan (ca 2 tim/månad)",
                    1.2,
                    "fk",
                    D(2021, 9, 1),
                ),
                Staff(
                    "Thomas Lindgren", "Arbetsförmedlare", 20, "af", D(2015, 5, 13), D(2022, 8, 31)
                ),
            ),
        ),
        InsatsSpec(
            "Samverkansteam Kraften Hedemora",
            D(2013, 1, 14),
            trial_months=2,
            target_group="Personer 18–64 år i Hedemora kommun långt från arbetsmarknaden.",
            per_year=38,
            budgeted=80,
            budget=2_100_000,
            mean_months=20,
            municipalities=(("2083", 96), ("2084", 2), ("2082", 2)),
            staff_size=3,
        ),
        InsatsSpec(
            "Samverkansteam Säter",
            D(2018, 6, 18),
            trial_months=2,
            target_group="Personer 18–64 år i Säters kommun långt från arbetsmarknaden.",
            per_year=22,
            budgeted=40,
            budget=1_400_000,
            mean_months=14,
            municipalities=(("2082", 95), ("2083", 4), ("2084", 1)),
            staff_size=2,
        ),
        InsatsSpec(
            "Grundutbildning i lösningsfokuserat arbetssätt",
            D(2014, 9, 1),
            kind=STRUCTURAL,
            method=VOLUME,
            target_group="Professionella hos parterna; sex heldagar per kursomgång.",
            per_year=24,
            budgeted=24,
            budget=260_000,
        ),
        InsatsSpec(
            "Lösningsfokuserat ledarskap",
            D(2018, 10, 1),
            kind=STRUCTURAL,
            method=VOLUME,
            target_group="Chefer med personalansvar hos parterna.",
            per_year=20,
            budgeted=20,
            budget=200_000,
        ),
        InsatsSpec(
            "Workshops i lösningsfokus",
            D(2019, 1, 1),
            kind=STRUCTURAL,
            method=VOLUME,
            target_group="Medarbetare hos parterna och civilsamhället.",
            per_year=60,
            budgeted=60,
            budget=60_000,
        ),
        InsatsSpec(
            "Gruppledarutbildning med lösningsfokus",
            D(2021, 9, 1),
            kind=STRUCTURAL,
            method=VOLUME,
            per_year=14,
            budgeted=16,
            budget=90_000,
        ),
        InsatsSpec(
            "Utbildning i suicidprevention",
            D(2022, 9, 1),
            kind=STRUCTURAL,
            method=VOLUME,
            per_year=45,
            budgeted=40,
            budget=50_000,
        ),
    ),
)

_SYDNARKE_KOMMUNER = (("1882", 27), ("1861", 24), ("1881", 51), ("1860", 23))

_SYDNARKE = ForbundSpec(
    name="Samordningsförbundet Sydnärke",
    county="18",
    region="Region Örebro län",
    kommuner=(
        ("1882", "Askersunds kommun", 11),
        ("1861", "Hallsbergs kommun", 16),
        ("1881", "Kumla kommun", 22),
        ("1860", "Laxå kommun", 5.5),
    ),
    insatser=(
        InsatsSpec(
            "Mottagningsteam Sydnärke",
            D(2016, 1, 11),
            team="Mottagningsteamet",
            target_group=(
                "Personer 18–64 år i Sydnärke som behöver samordnat stöd från flera "
                "myndigheter; kartläggning och vidare slussning."
            ),
            per_year=91,
            budgeted=100,
            budget=1_900_000,
            mean_months=6,
            municipalities=_SYDNARKE_KOMMUNER,
            referrals=(
                ("af", 19),
                ("egen-egen", 2.5),
                ("egen-anhorig", 1.5),
                ("fk", 13),
                ("kommun-ame", 5.5),
                ("kommun-socialtjanst", 16),
                ("kommun-annan", 3),
                ("region-habilitering", 1),
                ("region-psykiatri", 14.5),
                ("region-vardcentral", 19),
                ("ovrig", 5),
            ),
            end_reasons=(
                ("arbete", 4),
                ("arbete-med-stod", 3),
                ("studier", 2),
                ("annan-rehab", 38),
                ("arbetssokande", 8),
                ("ersattning", 4),
                ("medicinsk-rehab", 25),
                ("foraldraledighet", 1),
                ("flytt", 2),
                ("avbrott", 4),
                ("annat", 7),
                ("felregistrering", 2),
            ),
            staff_size=3,
        ),
        InsatsSpec(
            "Coachingteam Sydnärke",
            D(2016, 1, 11),
            team="Coachingteamet",
            trial_months=1,
            target_group="Personer i Sydnärke som behöver coachning mot arbete eller studier.",
            per_year=63,
            budgeted=100,
            budget=2_600_000,
            mean_months=13,
            women=0.66,
            municipalities=(("1882", 20), ("1861", 26), ("1881", 56), ("1860", 18)),
            referrals=(
                ("af", 8),
                ("egen-egen", 2),
                ("egen-anhorig", 1.5),
                ("fk", 44),
                ("kommun-socialtjanst", 9),
                ("kommun-annan", 5),
                ("region-habilitering", 1),
                ("region-psykiatri", 14),
                ("region-vardcentral", 14),
                ("annat-forbund", 1),
            ),
            transfers_from="Mottagningsteam Sydnärke",
            staff_size=4,
        ),
        InsatsSpec(
            "Projekt Växa/Mottagningsteam",
            D(2019, 1, 1),
            end=D(2021, 12, 31),
            team="Mottagningsteamet",
            target_group="Unga vuxna 18–29 år i Sydnärke.",
            per_year=10,
            budgeted=10,
            budget=450_000,
            mean_months=8,
            women=0.36,
            young=True,
            municipalities=(("1882", 1), ("1861", 4), ("1881", 3), ("1860", 3)),
            staff_size=1,
        ),
        InsatsSpec(
            "Projekt Växa/Coachingteam",
            D(2019, 1, 1),
            end=D(2021, 12, 31),
            team="Coachingteamet",
            trial_months=1,
            target_group="Unga vuxna 18–29 år i Sydnärke.",
            per_year=10,
            budgeted=15,
            budget=500_000,
            mean_months=10,
            women=0.55,
            young=True,
            municipalities=(("1861", 5), ("1881", 1), ("1860", 2)),
            staying_share=0.27,
            referrals=(
                ("af", 2),
                ("fk", 1),
                ("kommun-socialtjanst", 4),
                ("region-vardcentral", 1),
                ("kommun-annan", 3),
            ),
            transfers_from="Projekt Växa/Mottagningsteam",
            staff_size=1,
        ),
        InsatsSpec(
            "Rådgivande ärende i Mottagningsteamet",
            D(2016, 1, 11),
            method=VOLUME,
            team="Mottagningsteamet",
            target_group="Rådgivning till enskilda och handläggare utan inskrivning.",
            per_year=163,
            budgeted=150,
            budget=150_000,
            staff_size=0,
        ),
        InsatsSpec(
            "Kompetensutveckling till handläggare",
            D(2017, 1, 1),
            kind=STRUCTURAL,
            method=VOLUME,
            per_year=25,
            budgeted=30,
            budget=120_000,
        ),
        InsatsSpec(
            "Rehabiliteringsmässan",
            D(2016, 1, 1),
            kind=STRUCTURAL,
            method=VOLUME,
            target_group="Medarbetare hos parterna; en mässdag per år.",
            per_year=220,
            budgeted=150,
            budget=200_000,
        ),
        InsatsSpec(
            "Gemensam samverkansdag",
            D(2018, 1, 1),
            kind=STRUCTURAL,
            method=VOLUME,
            per_year=60,
            budgeted=60,
            budget=80_000,
        ),
        InsatsSpec(
            "Behovsinventering",
            D(2019, 1, 1),
            end=D(2020, 12, 31),
            kind=STRUCTURAL,
            method=VOLUME,
            per_year=37,
            budgeted=35,
            budget=150_000,
        ),
    ),
)

_DEGERFORS_KARLSKOGA = ForbundSpec(
    name="Samordningsförbundet Degerfors/Karlskoga",
    county="18",
    region="Region Örebro län",
    kommuner=(("1862", "Degerfors kommun", 9.5), ("1883", "Karlskoga kommun", 30)),
    insatser=(
        InsatsSpec(
            "Samverkansteam Karlskoga/Degerfors",
            D(2014, 3, 3),
            trial_months=1,
            target_group="Personer 18–64 år i Karlskoga och Degerfors långt från arbetsmarknaden.",
            per_year=84,
            budgeted=180,
            budget=3_600_000,
            mean_months=20,
            staff_size=5,
        ),
    ),
)

_LEKEBERG_OREBRO = ForbundSpec(
    name="Finsam Lekeberg och Örebro",
    county="18",
    region="Region Örebro län",
    kommuner=(("1814", "Lekebergs kommun", 8.5), ("1880", "Örebro kommun", 160)),
    insatser=(
        InsatsSpec(
            "Stegen – unga vuxna i samverkan",
            D(2017, 9, 4),
            trial_months=1,
            target_group="Unga vuxna 18–29 år utan sysselsättning.",
            per_year=45,
            budgeted=70,
            budget=2_200_000,
            mean_months=10,
            young=True,
            supply_boost=(("aktivitetsersattning", 2.0), ("ingen", 1.8)),
            staff_size=3,
        ),
        InsatsSpec(
            "IPS – individanpassat stöd till arbete",
            D(2016, 3, 1),
            target_group="Personer med psykisk ohälsa som vill arbeta (IPS-metoden).",
            per_year=35,
            budgeted=55,
            budget=1_800_000,
            mean_months=16,
            referrals=(
                ("region-psykiatri", 55),
                ("region-vardcentral", 8),
                ("kommun-socialtjanst", 12),
                ("kommun-annan", 6),
                ("fk", 9),
                ("af", 5),
                ("egen-egen", 5),
            ),
            staff_size=3,
        ),
        InsatsSpec(
            "Lotsen Lekeberg",
            D(2015, 1, 12),
            trial_months=1,
            per_year=15,
            budgeted=25,
            budget=900_000,
            mean_months=12,
            municipalities=(("1814", 90), ("1880", 10)),
            staff_size=1,
        ),
        InsatsSpec(
            "Arbetsträning i samverkan",
            D(2019, 8, 19),
            trial_months=1,
            per_year=25,
            budgeted=35,
            budget=1_100_000,
            mean_months=9,
            staff_size=2,
        ),
        InsatsSpec(
            "Språkstöd till arbete",
            D(2020, 2, 3),
            target_group="Nyanlända och utrikes födda med behov av språkstöd på väg mot arbete.",
            per_year=20,
            budgeted=30,
            budget=800_000,
            mean_months=12,
            supply_boost=(("etableringsersattning", 8.0), ("forsorjningsstod", 1.3)),
            staff_size=2,
        ),
        InsatsSpec(
            "Samtalsstöd Örebro",
            D(2018, 1, 15),
            method=ANONYMOUS,
            target_group="Anonymt samtalsstöd för personer som inte vill registreras.",
            per_year=25,
            budgeted=30,
            budget=600_000,
            staff_size=1,
        ),
        InsatsSpec(
            "Konsultation i samverkan",
            D(2018, 1, 1),
            method=VOLUME,
            per_year=86,
            budgeted=80,
            budget=150_000,
            staff_size=0,
        ),
        InsatsSpec(
            "Seminarier om psykisk ohälsa och arbete",
            D(2019, 1, 1),
            kind=STRUCTURAL,
            method=VOLUME,
            per_year=70,
            budgeted=80,
            budget=90_000,
        ),
    ),
)

_SOFINT = ForbundSpec(
    name="Samordningsförbundet i norra Örebro län, Sofint",
    county="18",
    region="Region Örebro län",
    kommuner=(
        ("1885", "Lindesbergs kommun", 23),
        ("1884", "Nora kommun", 10.7),
        ("1863", "Hällefors kommun", 6.7),
        ("1864", "Ljusnarsbergs kommun", 4.7),
    ),
    insatser=(
        InsatsSpec(
            "Samverkansteam Bergslagen",
            D(2016, 9, 5),
            trial_months=2,
            per_year=32,
            budgeted=45,
            budget=1_700_000,
            mean_months=16,
            staff_size=2,
        ),
        InsatsSpec(
            "Öppen verksamhet Navet",
            D(2018, 3, 1),
            method=ANONYMOUS,
            target_group="Öppen verksamhet utan inskrivning; deltagarna registreras anonymt.",
            per_year=70,
            budgeted=60,
            budget=900_000,
            staff_size=2,
        ),
    ),
)

_VASTRA_MALARDALEN = ForbundSpec(
    name="Samordningsförbundet Västra Mälardalen",
    county="19",
    region="Region Västmanland",
    kommuner=(
        ("1983", "Köpings kommun", 26),
        ("1984", "Arboga kommun", 14),
        ("1960", "Kungsörs kommun", 8.7),
    ),
    insatser=(
        InsatsSpec(
            "Samverkansteam Västra Mälardalen",
            D(2014, 1, 13),
            trial_months=2,
            per_year=55,
            budgeted=85,
            budget=2_900_000,
            mean_months=14,
            staff_size=4,
        ),
        InsatsSpec(
            "Unga vuxna till arbete",
            D(2020, 8, 17),
            trial_months=1,
            target_group="Unga vuxna 18–29 år i Köping, Arboga och Kungsör.",
            per_year=30,
            budgeted=40,
            budget=1_200_000,
            mean_months=10,
            young=True,
            staff_size=2,
        ),
        InsatsSpec(
            "Samverkanskonferens Västra Mälardalen",
            D(2015, 1, 1),
            kind=STRUCTURAL,
            method=VOLUME,
            per_year=90,
            budgeted=100,
            budget=120_000,
        ),
        InsatsSpec(
            "Handledarutbildning för arbetsplatshandledare",
            D(2019, 3, 1),
            kind=STRUCTURAL,
            method=VOLUME,
            per_year=20,
            budgeted=24,
            budget=90_000,
        ),
    ),
)

FORBUND: tuple[ForbundSpec, ...] = (
    _SODRA_DALARNA,
    _SYDNARKE,
    _DEGERFORS_KARLSKOGA,
    _LEKEBERG_OREBRO,
    _SOFINT,
    _VASTRA_MALARDALEN,
)

# Seed 002: Samverkansteam Avesta's budget outcome 2022 (beslut, utfall) per cost category.
EXACT_BUDGETS: dict[tuple[str, int], tuple[tuple[str, int, int], ...]] = {
    ("Samverkansteam Avesta", 2022): (
        ("egen-personal", 2_000_000, 1_923_361),
        ("externa-tjanster", 150_000, 90_498),
        ("lokaler", 40_000, 8_460),
        ("ovriga", 110_000, 129_875),
    ),
}

# Seed 002: six people waited to be enrolled in Samverkansteam Avesta at the end of 2022.
EXACT_WAITING: dict[tuple[str, dt.date], int] = {("Samverkansteam Avesta", D(2022, 12, 31)): 6}

# Demo logins: one or more per role of DOMAIN.md §2, and a registrar for every förbund's
# individual insatser (the demo's enrolments are registered by them).
USERS: tuple[UserSpec, ...] = (
    UserSpec(
        "coach.avesta",
        "Sonja",
        "Tiger",
        Role.REGISTRATOR,
        _SODRA_DALARNA.name,
        ("Samverkansteam Avesta",),
    ),
    UserSpec(
        "coach.hedemora",
        "Lena",
        "Bergström",
        Role.REGISTRATOR,
        _SODRA_DALARNA.name,
        ("Samverkansteam Kraften Hedemora",),
    ),
    UserSpec(
        "coach.sater",
        "Kristina",
        "Nyberg",
        Role.REGISTRATOR,
        _SODRA_DALARNA.name,
        ("Samverkansteam Säter",),
    ),
    UserSpec(
        "coach.sydnarke",
        "Johanna",
        "Lindqvist",
        Role.REGISTRATOR,
        _SYDNARKE.name,
        ("Mottagningsteam Sydnärke", "Coachingteam Sydnärke"),
    ),
    UserSpec(
        "coach.karlskoga",
        "Jonas",
        "Lundgren",
        Role.REGISTRATOR,
        _DEGERFORS_KARLSKOGA.name,
        ("Samverkansteam Karlskoga/Degerfors",),
    ),
    UserSpec(
        "coach.orebro",
        "Fatima",
        "Hassan",
        Role.REGISTRATOR,
        _LEKEBERG_OREBRO.name,
        tuple(i.name for i in _LEKEBERG_OREBRO.insatser if i.method != VOLUME),
    ),
    UserSpec(
        "coach.bergslagen",
        "Helena",
        "Björk",
        Role.REGISTRATOR,
        _SOFINT.name,
        tuple(i.name for i in _SOFINT.insatser),
    ),
    UserSpec(
        "coach.malardalen",
        "Patrik",
        "Sjögren",
        Role.REGISTRATOR,
        _VASTRA_MALARDALEN.name,
        tuple(i.name for i in _VASTRA_MALARDALEN.insatser if i.kind == INDIVIDUAL),
    ),
    UserSpec(
        "insats.avesta",
        "Eva",
        "Lindgren",
        Role.INSATS_MANAGER,
        _SODRA_DALARNA.name,
        ("Samverkansteam Avesta",),
    ),
    UserSpec("insats.sydnarke", "Mikael", "Sandberg", Role.INSATS_MANAGER, _SYDNARKE.name),
    UserSpec("admin.sodradalarna", "Maria", "Ekström", Role.FORBUND_ADMIN, _SODRA_DALARNA.name),
    UserSpec("admin.sydnarke", "Anders", "Holm", Role.FORBUND_ADMIN, _SYDNARKE.name),
    UserSpec("styrelse.sodradalarna", "Gunilla", "Wikström", Role.BOARD, _SODRA_DALARNA.name),
    UserSpec("dso.sodradalarna", "Elin", "Lund", Role.DPO, _SODRA_DALARNA.name),
    UserSpec("sysadmin", "Per", "Nordin", Role.SYSADMIN),
)
