"""Deterministic demo data: a Dutch retailer's joint Marketing/IT portfolio, 2024-2026.

    python -m data_access.demo [--scale demo|large] [--database-url URL] [--n-projects N]

`seed_demo(engine)` fills an already migrated, empty database in one transaction and returns
the row counts per table; on a database that already holds departments it does nothing and
returns {}. The same seed always gives the same rows (numpy's PCG64 with fixed seeds, one
independent stream per part of the data, so changing one part never shifts another).

Scales
- "demo": 25 hand-written projects (P-001 .. P-025), 4 cost categories, 3,944 budget lines
  and 9,900 survey answers.
- "large": the same 25 projects followed by generated ones, 12 cost categories; 2,000
  projects give about 1.2 million budget lines and 200,000 survey answers. `n_projects` or
  `budget_lines_target` scale it down for benchmarks (lines grow linearly with projects).

Timeline: plans run 2024-01 .. 2026-12; actuals, progress and survey answers exist through
DEMO_LAST_ACTUAL_MONTH (2026-10); "today" for due dates and goals is DEMO_AS_OF (2026-10-31).
DEMO_PLANTED lists the projects that carry each planted problem in the demo scale (the large
scale contains them too, plus generated projects with the same kinds of problems).
"""

from __future__ import annotations

import argparse
import calendar
import math
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from data_access.engine import (
    DatabaseUnavailable,
    bump_data_version,
    create_db_engine,
    describe_url,
    resolve_database_url,
    upgrade_schema,
)
from data_access.history import HISTORY_TABLES, set_history_start
from data_access.models import (
    BudgetLine,
    CostCategory,
    Department,
    Funding,
    InsightGoal,
    Ownership,
    OwnershipHistory,
    Progress,
    Project,
    ProjectStatusHistory,
    ResponsibilityArea,
    SteeringAction,
    SteeringDecision,
    SurveyComment,
    SurveyInvitation,
    SurveyItem,
    SurveyResponse,
    SurveyWave,
    TeamMember,
)

__all__ = [
    "DEFAULT_SEED",
    "DEMO_AS_OF",
    "DEMO_FIRST_MONTH",
    "DEMO_LAST_ACTUAL_MONTH",
    "DEMO_LAST_MONTH",
    "DEMO_PLANTED",
    "LARGE_LINES_PER_PROJECT",
    "LARGE_N_PROJECTS",
    "SCALES",
    "build_demo_data",
    "main",
    "projects_for_budget_lines",
    "seed_demo",
]

DEFAULT_SEED = 20261129
SCALES = ("demo", "large")
DEMO_FIRST_MONTH = date(2024, 1, 1)
DEMO_LAST_MONTH = date(2026, 12, 1)
DEMO_LAST_ACTUAL_MONTH = date(2026, 10, 1)
DEMO_AS_OF = date(2026, 10, 31)
LARGE_N_PROJECTS = 2000
# Budget lines per project of the large profile, measured on the default seed (2,000
# projects give 1,233,778 lines); used to turn a line target into a project count.
LARGE_LINES_PER_PROJECT = 617.0
CREATED_BY = "demo"

# Projects carrying each planted feature in the demo scale (codes are stable).
DEMO_PLANTED: dict[str, tuple[str, ...]] = {
    "over_budget": ("P-001", "P-005", "P-010", "P-014"),
    "late": ("P-004", "P-006", "P-017"),
    "funding_drift": ("P-002", "P-008", "P-012"),
    "unmixed_team": ("P-011", "P-015", "P-019"),
    "house_rule_breach": ("P-007", "P-013"),
    "missing_owner": ("P-015",),
    "double_owner": ("P-016",),
    "no_progress": ("P-018",),
    "single_funded": ("P-014", "P-017", "P-022", "P-023"),
    "three_funders": ("P-009",),
    "recorded_split": ("P-009", "P-010"),
    "actual_without_plan": ("P-004",),
    "late_start": ("P-004",),
    "negative_actuals": ("P-003", "P-009", "P-013", "P-016", "P-022"),
    "goals_overdue_open": ("P-002", "P-004", "P-006", "P-012", "P-014", "P-017", "P-020", "P-021"),
    "goals_reached_late": ("P-001", "P-003", "P-007", "P-008", "P-010", "P-013", "P-016", "P-023"),
    "on_hold": ("P-020",),
    "cancelled": ("P-021",),
    "done": ("P-003", "P-022", "P-023"),
    "proposed": ("P-024", "P-025"),
}

N_MONTHS = 36
CUTOFF = 33  # index of DEMO_LAST_ACTUAL_MONTH
CHUNK_ROWS = 20_000


def month_at(index: int) -> date:
    """The first of the month `index` months after 2024-01."""
    return date(2024 + index // 12, index % 12 + 1, 1)


def month_index(day: date) -> int:
    """Months between 2024-01 and the month of `day`."""
    return (day.year - 2024) * 12 + day.month - 1


def _month_end(index: int) -> date:
    first = month_at(index)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _m(text: str) -> int:
    """'2025-03' -> month index."""
    year, month = text.split("-")
    return (int(year) - 2024) * 12 + int(month) - 1


def _d(text: str) -> date:
    return date.fromisoformat(text)


MONTHS: tuple[date, ...] = tuple(month_at(i) for i in range(60))

# --------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------

DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("MKT", "Marketing", "Marketing"),
    ("IT", "IT", "IT"),
    ("FIN", "Financiën", "Finance"),
)
DEPT_INDEX = {code: i for i, (code, _, _) in enumerate(DEPARTMENTS)}

# code, NL, EN, relative weight for MKT, IT, FIN
CATEGORIES: tuple[tuple[str, str, str, tuple[float, float, float]], ...] = (
    ("personnel", "Eigen personeel", "Internal staff", (30, 35, 40)),
    ("external", "Externe inhuur", "External contractors", (25, 25, 20)),
    ("licences", "Licenties", "Licences", (20, 15, 15)),
    ("infrastructure", "Infrastructuur en cloud", "Infrastructure and cloud", (5, 20, 5)),
    ("hardware", "Hardware", "Hardware", (1, 5, 1)),
    ("training", "Opleiding", "Training", (3, 3, 3)),
    ("media", "Media en campagnes", "Media and campaigns", (12, 0.5, 0.5)),
    ("research", "Marktonderzoek", "Market research", (6, 0.5, 2)),
    ("data", "Data-aankoop", "Data acquisition", (5, 2, 2)),
    ("consultancy", "Advies", "Consultancy", (6, 6, 10)),
    ("travel", "Reis- en verblijfkosten", "Travel and accommodation", (1, 1, 1)),
    ("contingency", "Onvoorzien", "Contingency", (4, 4, 4)),
)

AREAS: tuple[tuple[str, str, str, str], ...] = (
    ("data_processing", "Gegevensverwerking", "Data processing", "IT"),
    ("data_policy", "Databeleid", "Data policy", "IT"),
    ("customer_database", "Klantdatabase", "Customer database", "MKT"),
    ("campaign_use", "Campagnegebruik", "Campaign use", "MKT"),
)


@dataclass(frozen=True)
class Profile:
    """Size knobs of a scale."""

    n_projects: int
    n_categories: int
    survey_factor: float  # respondents per group relative to the demo
    members_per_dept: tuple[int, int]
    pool_sizes: tuple[int, int, int]  # employees of MKT, IT, FIN


def _profile(scale: str, n_projects: int | None) -> Profile:
    if scale == "demo":
        if n_projects is not None and n_projects != 25:
            raise ValueError("the demo scale has exactly 25 projects; use scale='large' with n_projects")
        return Profile(25, 4, 1.0, (2, 4), (40, 55, 8))
    if scale == "large":
        n = LARGE_N_PROJECTS if n_projects is None else n_projects
        if n < 25:
            raise ValueError("the large scale needs at least 25 projects")
        # 21.2 respondents per demo respondent give about 200,000 answers at 2,000 projects.
        factor = max(1.0, 21.2 * n / LARGE_N_PROJECTS)
        pools = (max(40, n // 3), max(55, n // 2), max(8, n // 40))
        return Profile(n, len(CATEGORIES), factor, (2, 5), pools)
    raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")


def projects_for_budget_lines(target: int) -> int:
    """Projects of the large profile that give about `target` budget lines (at least 25)."""
    return max(25, round(target / LARGE_LINES_PER_PROJECT))


# --------------------------------------------------------------------------------------
# Project specifications
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalSpec:
    code: str
    goal: str
    measure: str
    target_value: float
    target_date: date
    achieved_value: float | None = None
    achieved_date: date | None = None


@dataclass(frozen=True)
class ProjectSpec:
    """Everything needed to generate one project's rows."""

    code: str
    name: str
    goal: str
    status: str
    start: int  # month index of planned start (may lie beyond the plan horizon)
    end: int  # month index of planned end
    total: float  # budget at completion in euros
    funders: tuple[tuple[str, float | None], ...]
    rag: str | None = "green"
    rag_reason: str | None = "Op schema en binnen budget."
    actual_end: date | None = None
    cost_factor: float = 1.0  # actual / planned
    dept_factor: tuple[tuple[str, float], ...] = ()  # funding drift: per-department multiplier
    progress_ratio: float = 1.0  # achieved / planned progress
    late_start: int = 0  # months of plan without any booking at the start
    stop: int | None = None  # last month with real activity (on hold, cancelled)
    overrun: int = 0  # months after planned end with actuals but no plan
    track_progress: bool = True
    owners: tuple[tuple[str, tuple[str, ...]], ...] = ()  # area -> departments (overrides)
    team_only: str | None = None  # joint project staffed from this department only
    corrections: int = 0  # credit notes (negative actuals)
    goals: tuple[GoalSpec, ...] = ()

    @property
    def equal_split(self) -> bool:
        return all(share is None for _, share in self.funders)

    def shares(self) -> dict[str, float]:
        if self.equal_split:
            return {dept: 1 / len(self.funders) for dept, _ in self.funders}
        return {dept: float(share or 0.0) for dept, share in self.funders}


JOINT = (("MKT", None), ("IT", None))
ON_PLAN = "Op schema en binnen budget."


def _g(
    code: str,
    goal: str,
    measure: str,
    target: float,
    due: str,
    value: float | None = None,
    reached: str | None = None,
) -> GoalSpec:
    return GoalSpec(code, goal, measure, target, _d(due), value, _d(reached) if reached else None)


# fmt: off
DEMO_PROJECTS: tuple[ProjectSpec, ...] = (
    ProjectSpec(
        "P-001", "Klantdataplatform (CDP)",
        "Eén actueel klantbeeld voor alle kanalen, beheerd door IT en gebruikt door Marketing.",
        "active", _m("2024-01"), _m("2026-12"), 2_400_000, JOINT,
        rag="red",
        rag_reason="Kosten ruim 20% boven plan door extra inhuur voor datamigratie en identity resolution.",
        cost_factor=1.21, progress_ratio=0.98,
        goals=(
            _g("G1", "Eén klantprofiel voor online en winkel", "Klantprofielen gekoppeld (%)", 85,
               "2025-06-30", 86, "2025-10-15"),
            _g("G2", "Segmenten met CLV-score beschikbaar voor campagnes", "Segmenten met CLV-score", 12,
               "2026-03-31", 12, "2026-03-20"),
            _g("G3", "Realtime doelgroepen naar advertentiekanalen", "Kanalen met realtime koppeling", 4,
               "2026-12-31"),
        ),
    ),
    ProjectSpec(
        "P-002", "Marketing automation",
        "Geautomatiseerde klantreizen op basis van gedrag in webshop, app en e-mail.",
        "active", _m("2024-04"), _m("2026-12"), 1_150_000, JOINT,
        rag="amber",
        rag_reason="IT-bijdrage blijft achter bij de afgesproken 50/50-verdeling.",
        dept_factor=(("MKT", 1.3), ("IT", 0.7)),
        goals=(
            _g("G1", "Geautomatiseerde klantreizen live", "Actieve klantreizen", 15, "2025-06-30", 16,
               "2025-06-12"),
            _g("G2", "Hogere conversie uit nurture-flows", "Conversie-uplift (%)", 3.5, "2026-06-30"),
        ),
    ),
    ProjectSpec(
        "P-003", "Customer 360",
        "Een 360-gradenbeeld van de klant voor klantenservice en winkelpersoneel.",
        "done", _m("2024-01"), _m("2025-06"), 1_600_000, JOINT,
        rag_reason="Opgeleverd; beheer overgedragen aan het CDP-team.",
        actual_end=_d("2025-07-11"), cost_factor=0.97, corrections=1,
        goals=(
            _g("G1", "360-gradenbeeld in klantenservice", "Medewerkers met toegang tot klantbeeld", 450,
               "2025-06-30", 470, "2025-06-27"),
            _g("G2", "Kortere afhandeltijd door klantbeeld", "Afname gemiddelde afhandeltijd (%)", 10,
               "2025-09-30", 11.5, "2025-11-14"),
        ),
    ),
    ProjectSpec(
        "P-004", "Churnvoorspelling",
        "Opzeggers drie maanden vooraf herkennen en gericht benaderen.",
        "active", _m("2025-01"), _m("2026-06"), 520_000, JOINT,
        rag="red",
        rag_reason=(
            "Datakwaliteit contracthistorie onvoldoende; model nog niet in productie, "
            "verlengd tot december."
        ),
        cost_factor=0.96, progress_ratio=0.6, late_start=2, overrun=4,
        goals=(
            _g("G1", "Churnmodel in productie", "Modelkwaliteit (AUC)", 0.8, "2026-03-31"),
            _g("G2", "Retentiecampagne op basis van churnscore", "Behouden klanten per maand", 400,
               "2026-06-30"),
        ),
    ),
    ProjectSpec(
        "P-005", "Next best action",
        "Per klant het beste volgende aanbod in app, webshop en klantenservice.",
        "active", _m("2025-03"), _m("2026-12"), 980_000, JOINT,
        rag="red",
        rag_reason="Modelontwikkeling duurder dan begroot; externe data scientists langer ingehuurd.",
        cost_factor=1.25, progress_ratio=0.97,
        goals=(
            _g("G1", "Next best action in app en webshop", "Kanalen met NBA-aanbevelingen", 3, "2026-04-30",
               3, "2026-04-22"),
            _g("G2", "Omzet uit aanbevelingen", "Omzet uit aanbevelingen (€ mln)", 2.5, "2026-12-31"),
        ),
    ),
    ProjectSpec(
        "P-006", "Consent- en voorkeurencentrum",
        "Klanten beheren zelf hun toestemmingen en voorkeuren; alle kanalen respecteren die.",
        "active", _m("2024-09"), _m("2026-11"), 760_000, JOINT,
        rag="amber",
        rag_reason="Juridische toets AVG vertraagt de oplevering met ruim een kwartaal.",
        progress_ratio=0.65,
        goals=(
            _g("G1", "Alle kanalen gebruiken één consentregister", "Kanalen aangesloten op consentregister",
               8, "2026-02-28"),
            _g("G2", "Inzicht in toestemmingsgraad per segment", "Klanten met vastgelegde voorkeuren (%)", 60,
               "2026-09-30"),
        ),
    ),
    ProjectSpec(
        "P-007", "Webshop personalisatie",
        "Gepersonaliseerde content en productaanbevelingen in de webshop.",
        "active", _m("2025-02"), _m("2026-12"), 1_300_000, JOINT,
        cost_factor=1.02, owners=(("data_processing", ("MKT",)),),
        goals=(
            _g("G1", "Gepersonaliseerde homepage", "Bezoekers met gepersonaliseerde content (%)", 70,
               "2025-12-31", 74, "2025-12-10"),
            _g("G2", "Conversie-uplift gepersonaliseerde sessies", "Conversie-uplift (%)", 5, "2026-09-30",
               5.2, "2026-10-20"),
        ),
    ),
    ProjectSpec(
        "P-008", "Klantsegmentatie en CLV-model",
        "Klantwaarde (CLV) en segmenten als basis voor campagneplanning.",
        "active", _m("2024-06"), _m("2026-12"), 640_000, JOINT,
        rag="amber",
        rag_reason="Marketing draagt het grootste deel van de kosten; verdeling wijkt af van 50/50.",
        dept_factor=(("MKT", 1.28), ("IT", 0.72)),
        goals=(
            _g("G1", "CLV-model voor alle actieve klanten", "Klanten met CLV-score (%)", 95, "2025-03-31", 97,
               "2025-03-14"),
            _g("G2", "Segmenten gebruikt in campagneplanning", "Campagnes op CLV-segment per kwartaal", 20,
               "2026-06-30", 21, "2026-08-31"),
        ),
    ),
    ProjectSpec(
        "P-009", "Prijsoptimalisatie webshop",
        "Dynamische prijzen op basis van vraag, voorraad en concurrentie, met Finance als mede-eigenaar.",
        "active", _m("2025-06"), _m("2026-12"), 870_000, (("MKT", 0.4), ("IT", 0.4), ("FIN", 0.2)),
        cost_factor=0.99, corrections=1,
        goals=(
            _g("G1", "Dynamische prijzen voor webshopassortiment", "Artikelen met dynamische prijs", 5000,
               "2026-06-30", 5400, "2026-06-25"),
            _g("G2", "Margeverbetering", "Brutomarge-uplift (procentpunt)", 1.5, "2026-12-31"),
        ),
    ),
    ProjectSpec(
        "P-010", "Loyaliteitsprogramma app",
        "Een spaar- en voordeelprogramma in de app dat koopgedrag van leden zichtbaar maakt.",
        "active", _m("2024-10"), _m("2026-12"), 1_850_000, (("MKT", 0.6), ("IT", 0.4)),
        rag="red",
        rag_reason="App-ontwikkeling loopt uit in kosten; extra releases voor kassakoppeling.",
        cost_factor=1.19,
        goals=(
            _g("G1", "Actieve leden loyaltyprogramma", "Actieve leden (x 1.000)", 250, "2025-12-31", 262,
               "2026-02-27"),
            _g("G2", "Inzicht in koopgedrag leden", "Rapportages koopgedrag per maand", 6, "2026-06-30", 6,
               "2026-05-29"),
            _g("G3", "Hogere bestedingen leden", "Bestedingsuplift leden (%)", 8, "2027-03-31"),
        ),
    ),
    ProjectSpec(
        "P-011", "E-mail deliverability en domeinbeveiliging",
        "Marketingmail komt in de inbox: DMARC, DKIM en warme IP-adressen.",
        "active", _m("2025-09"), _m("2026-12"), 240_000, JOINT,
        team_only="IT",
        goals=(
            _g("G1", "Betere afleverbaarheid e-mail", "Inbox placement (%)", 95, "2026-06-30", 96,
               "2026-05-15"),
        ),
    ),
    ProjectSpec(
        "P-012", "Campagne-attributiemodel",
        "Inzicht in welk kanaal welke omzet oplevert, voor een betere verdeling van het mediabudget.",
        "active", _m("2025-01"), _m("2026-12"), 450_000, JOINT,
        rag="amber",
        rag_reason="Marketing-bijdrage loopt achter; IT financiert de data-engineering voor.",
        dept_factor=(("MKT", 0.74), ("IT", 1.26)),
        goals=(
            _g("G1", "Multi-touch attributie per kanaal", "Kanalen in attributiemodel", 9, "2026-03-31"),
            _g("G2", "Mediabudget verschoven op basis van attributie", "Mediabudget herverdeeld (%)", 15,
               "2026-12-31"),
        ),
    ),
    ProjectSpec(
        "P-013", "Klantenservice chatbot",
        "Een chatbot die standaardvragen afhandelt en klantvragen als inzichtbron ontsluit.",
        "active", _m("2025-04"), _m("2026-12"), 690_000, JOINT,
        cost_factor=1.01, owners=(("customer_database", ("IT",)),), corrections=1,
        goals=(
            _g("G1", "Chatbot beantwoordt standaardvragen", "Gesprekken zonder overdracht (%)", 40,
               "2026-03-31", 43, "2026-03-18"),
            _g("G2", "Klantvragen als inzichtbron", "Vraagthema's per maand geanalyseerd", 20, "2026-09-30",
               20, "2026-10-09"),
        ),
    ),
    ProjectSpec(
        "P-014", "Datakwaliteit klantbestand",
        "Een schoon klantbestand: ontdubbeld, gevalideerde adressen, kwaliteit gemeten aan de bron.",
        "active", _m("2024-03"), _m("2026-11"), 380_000, (("IT", None),),
        rag="red",
        rag_reason="Ontdubbeling complexer dan verwacht; extra externe capaciteit ingezet.",
        cost_factor=1.27,
        goals=(
            _g("G1", "Dubbele klantrecords opgeschoond", "Ontdubbelde klantrecords (x 1.000)", 180,
               "2025-06-30", 185, "2025-06-20"),
            _g("G2", "Adresvalidatie aan de bron", "Records met gevalideerd adres (%)", 98, "2026-06-30"),
        ),
    ),
    ProjectSpec(
        "P-015", "Social listening",
        "Merksentiment en klantsignalen van sociale media wekelijks in beeld.",
        "active", _m("2025-05"), _m("2026-12"), 300_000, JOINT,
        cost_factor=0.98, owners=(("campaign_use", ()),), team_only="MKT",
        goals=(
            _g("G1", "Merksentiment wekelijks inzichtelijk", "Bronnen in social listening", 12, "2025-12-31",
               14, "2025-11-28"),
        ),
    ),
    ProjectSpec(
        "P-016", "Marketing data lake migratie",
        "Alle marketingdata in het centrale data lake, met self-service analyses voor marketeers.",
        "active", _m("2024-07"), _m("2026-12"), 1_050_000, JOINT,
        owners=(("data_policy", ("IT", "MKT")),), corrections=1,
        goals=(
            _g("G1", "Marketingdata in centraal data lake", "Gemigreerde databronnen", 25, "2025-12-31", 25,
               "2026-01-16"),
            _g("G2", "Self-service analyses voor marketeers", "Actieve gebruikers self-service BI", 80,
               "2026-12-31"),
        ),
    ),
    ProjectSpec(
        "P-017", "Cloudmigratie datawarehouse",
        "Het datawarehouse naar de cloud, met dagelijks verversde klantdata.",
        "active", _m("2024-02"), _m("2026-12"), 2_100_000, (("IT", None),),
        rag="amber",
        rag_reason="Migratie van rapportages loopt achter door afhankelijkheid van legacy-ETL.",
        cost_factor=0.97, progress_ratio=0.7,
        goals=(
            _g("G1", "Rapportages draaien in de cloud", "Gemigreerde rapportages (%)", 100, "2026-06-30"),
            _g("G2", "Snellere beschikbaarheid klantdata", "Dagelijks ververste datasets", 120, "2026-12-31"),
        ),
    ),
    ProjectSpec(
        "P-018", "Realtime personalisatie mobiele app",
        "Realtime content en aanbiedingen in de app op basis van actueel gedrag.",
        "active", _m("2026-01"), _m("2026-12"), 560_000, JOINT,
        rag="amber",
        rag_reason="Voortgangsrapportage ontbreekt nog; eerste meting in november.",
        track_progress=False,
        goals=(
            _g("G1", "Realtime aanbevelingen in de app", "App-gebruikers met realtime content (%)", 50,
               "2026-12-31"),
        ),
    ),
    ProjectSpec(
        "P-019", "Leadscoring zakelijke markt",
        "Zakelijke leads scoren op koopkans zodat accountmanagers de juiste leads opvolgen.",
        "active", _m("2025-10"), _m("2026-12"), 280_000, JOINT,
        cost_factor=1.03, team_only="MKT",
        goals=(
            _g("G1", "Leadscore voor zakelijke klanten", "Leads met score (%)", 90, "2026-04-30", 92,
               "2026-04-14"),
            _g("G2", "Hogere conversie zakelijke leads", "Conversie lead naar klant (%)", 12, "2026-12-31"),
        ),
    ),
    ProjectSpec(
        "P-020", "Klantreis-analytics",
        "Klantreizen end-to-end meten over webshop, app, winkel en klantenservice.",
        "on_hold", _m("2025-01"), _m("2026-12"), 720_000, JOINT,
        rag="amber",
        rag_reason="On hold sinds april 2026: wacht op besluit over CDP fase 2.",
        stop=_m("2026-04"),
        goals=(
            _g("G1", "Klantreizen end-to-end gemeten", "Gemeten klantreizen", 10, "2026-06-30"),
        ),
    ),
    ProjectSpec(
        "P-021", "Automatisering printmailings",
        "Gepersonaliseerde printmailings automatisch vanuit het campagnesysteem.",
        "cancelled", _m("2024-09"), _m("2025-12"), 260_000, JOINT,
        rag=None,
        rag_reason="Gestopt in juni 2025: business case vervallen door overstap naar digitale mailings.",
        actual_end=_d("2025-06-30"), stop=_m("2025-06"),
        goals=(
            _g("G1", "Geautomatiseerde printmailings", "Printmailings via automatisering (%)", 80,
               "2025-09-30"),
        ),
    ),
    ProjectSpec(
        "P-022", "Merkmonitor dashboard",
        "Maandelijkse merkmonitor met naamsbekendheid, overweging en voorkeur in één dashboard.",
        "done", _m("2024-02"), _m("2024-11"), 180_000, (("MKT", None),),
        rag_reason="Opgeleverd en in gebruik bij het marketingteam.",
        actual_end=_d("2024-11-29"), cost_factor=0.95, corrections=1,
        goals=(
            _g("G1", "Merkmonitor maandelijks beschikbaar", "Merk-KPI's in dashboard", 15, "2024-11-30", 15,
               "2024-11-22"),
        ),
    ),
    ProjectSpec(
        "P-023", "Identity & access management klantportaal",
        "Eén veilige klantlogin voor klantportaal, webshop en app.",
        "done", _m("2024-04"), _m("2025-12"), 1_100_000, (("IT", None),),
        rag_reason="Opgeleverd in januari 2026, binnen budget.",
        actual_end=_d("2026-01-23"), cost_factor=0.98,
        goals=(
            _g("G1", "Eén klantlogin voor portaal en app", "Klanten met één login (%)", 90, "2025-12-31", 91,
               "2026-01-20"),
        ),
    ),
    ProjectSpec(
        "P-024", "Generatieve AI voor campagnecontent",
        "Campagneteksten en -beelden in varianten met AI, binnen merk- en privacyrichtlijnen.",
        "proposed", _m("2027-01"), _m("2027-12"), 650_000, JOINT,
        rag=None,
        rag_reason=None,
        goals=(
            _g("G1", "Campagnevarianten met AI-ondersteuning", "Campagnevarianten per maand", 200,
               "2027-09-30"),
        ),
    ),
    ProjectSpec(
        "P-025", "Retail media netwerk",
        "Advertentieruimte in webshop en app verkopen aan merken, op basis van eigen klantdata.",
        "proposed", _m("2027-03"), _m("2028-02"), 1_400_000, JOINT,
        rag=None,
        rag_reason=None,
        goals=(
            _g("G1", "Retail media-omzet", "Omzet retail media (€ mln)", 3, "2028-01-31"),
        ),
    ),
)
# fmt: on

THEMES: tuple[tuple[str, str], ...] = (
    ("Klantdataplatform", "Eén actueel klantbeeld voor alle kanalen."),
    ("Marketing automation", "Geautomatiseerde, relevante klantcommunicatie."),
    ("Customer 360", "Het volledige klantbeeld voor iedereen met klantcontact."),
    ("Churnvoorspelling", "Opzeggers tijdig herkennen en behouden."),
    ("Next best action", "Per klant het beste volgende aanbod."),
    ("Consentbeheer", "Toestemmingen en voorkeuren centraal en actueel."),
    ("Personalisatie", "Relevante content per bezoeker."),
    ("Klantsegmentatie", "Segmenten en klantwaarde als basis voor campagnes."),
    ("Prijsoptimalisatie", "Prijzen die meebewegen met vraag en voorraad."),
    ("Loyaliteitsprogramma", "Leden belonen en hun koopgedrag begrijpen."),
    ("Campagne-attributie", "Weten welk kanaal welke omzet oplevert."),
    ("Chatbot", "Standaardvragen automatisch beantwoord."),
    ("Datakwaliteit", "Betrouwbare klantdata aan de bron."),
    ("Social listening", "Klantsignalen van sociale media in beeld."),
    ("Data lake", "Marketingdata centraal en self-service beschikbaar."),
    ("Realtime personalisatie", "Aanbod op basis van actueel gedrag."),
    ("Leadscoring", "De juiste leads eerst opvolgen."),
    ("Klantreis-analytics", "Klantreizen end-to-end meten."),
    ("Marketing mix modelling", "Het mediabudget onderbouwd verdelen."),
    ("Productaanbevelingen", "Aanbevelingen die de omzet per klant verhogen."),
    ("NPS en klantfeedback", "Klantfeedback systematisch analyseren en opvolgen."),
    ("Headless CMS", "Content één keer maken, overal publiceren."),
    ("Winkelbezoekanalyse", "Bezoek en conversie in de winkels meten."),
    ("Omnichannel voorraadinzicht", "Voorraad in alle kanalen zichtbaar voor klanten."),
    ("Data clean room", "Veilig data delen met mediapartners."),
    ("Data governance", "Heldere afspraken over klantdata en definities."),
    ("Klantportaal", "Klanten regelen hun zaken zelf online."),
    ("Mediabudget-dashboard", "Mediabestedingen en resultaat per week in beeld."),
)
QUALIFIERS = (
    "fase 2",
    "fase 3",
    "Benelux",
    "zakelijke markt",
    "webshop",
    "winkels",
    "app",
    "klantenservice",
    "pilot",
    "opschaling",
    "Noord",
    "Zuid",
)
GOAL_TEMPLATES: tuple[tuple[str, str, float, float, int], ...] = (
    ("Klantprofielen gekoppeld over kanalen", "Klantprofielen gekoppeld (%)", 70, 95, 0),
    ("Segmenten beschikbaar voor campagnes", "Segmenten met CLV-score", 6, 20, 0),
    ("Model in productie", "Modelkwaliteit (AUC)", 0.7, 0.9, 2),
    ("Hogere conversie", "Conversie-uplift (%)", 2, 8, 1),
    ("Meer actieve klantreizen", "Actieve klantreizen", 5, 30, 0),
    ("Kanalen aangesloten", "Aangesloten kanalen", 3, 10, 0),
    ("Inzicht in klantgedrag", "Rapportages per maand", 4, 12, 0),
    ("Behoud van klanten", "Behouden klanten per maand", 150, 900, 0),
    ("Self-service inzicht voor marketeers", "Actieve gebruikers self-service BI", 30, 200, 0),
    ("Omzet uit data-gedreven acties", "Extra omzet (€ mln)", 0.5, 5, 1),
)

RAG_REASONS = {
    "over": ("red", "Kosten duidelijk boven plan; extra externe inhuur nodig."),
    "late": ("amber", "Achterstand op planning door afhankelijkheden met andere projecten."),
    "drift": ("amber", "Kostenverdeling tussen afdelingen wijkt af van de afspraak."),
    "normal": ("green", ON_PLAN),
}


def _generated_specs(rng: np.random.Generator, first: int, count: int) -> list[ProjectSpec]:
    """Projects beyond the hand-written 25, with the same kinds of planted problems."""
    specs: list[ProjectSpec] = []
    for number in range(first, first + count):
        theme, goal_text = THEMES[int(rng.integers(len(THEMES)))]
        name = f"{theme} – {QUALIFIERS[int(rng.integers(len(QUALIFIERS)))]}"
        u = rng.random()
        if u < 0.12:
            funders: tuple[tuple[str, float | None], ...] = ((("MKT", "IT")[int(rng.integers(2))], None),)
        elif u < 0.22:
            funders = (("MKT", 0.4), ("IT", 0.4), ("FIN", 0.2))
        elif u < 0.30:
            funders = (("MKT", 0.6), ("IT", 0.4)) if rng.random() < 0.5 else (("MKT", 0.4), ("IT", 0.6))
        else:
            funders = JOINT
        status = str(
            rng.choice(
                ["proposed", "cancelled", "on_hold", "done", "active"], p=[0.03, 0.04, 0.05, 0.2, 0.68]
            )
        )
        total = float(round(math.exp(rng.uniform(math.log(150_000), math.log(2_500_000))), -4))
        kind = "normal"
        extra: dict[str, Any] = {}
        actual_end: date | None = None
        if status == "proposed":
            start = 36 + int(rng.integers(0, 6))
            end = start + int(rng.integers(9, 18))
        elif status == "done":
            start = int(rng.integers(0, 14))
            end = int(rng.integers(min(start + 12, 32), 33))
            actual_end = min(_month_end(end) + timedelta(days=int(rng.integers(-10, 40))), DEMO_AS_OF)
        elif status == "cancelled":
            start = int(rng.integers(0, 16))
            end = int(rng.integers(start + 12, 36))
            stop = int(rng.integers(start + 4, min(end, 31) + 1))
            extra["stop"] = stop
            actual_end = _month_end(stop)
        else:
            start = int(rng.integers(0, 12))
            end = int(rng.integers(34, 36))
            if status == "on_hold":
                extra["stop"] = int(rng.integers(start + 6, 32))
            else:
                kind = str(rng.choice(["normal", "over", "late", "drift"], p=[0.66, 0.12, 0.1, 0.12]))
                if kind == "drift" and (len(funders) < 2 or not all(s is None for _, s in funders)):
                    kind = "normal"
        if kind == "over":
            extra["cost_factor"] = float(rng.uniform(1.18, 1.32))
        elif kind == "late":
            extra["progress_ratio"] = float(rng.uniform(0.55, 0.72))
            extra["cost_factor"] = float(rng.uniform(0.9, 1.0))
            if rng.random() < 0.4:
                end = int(rng.integers(max(start + 10, 26), 32))
                extra["overrun"] = CUTOFF - end
            if rng.random() < 0.3:
                extra["late_start"] = int(rng.integers(1, 4))
        elif kind == "drift":
            low = float(rng.uniform(0.62, 0.74))
            first_dept, second_dept = ("MKT", "IT") if rng.random() < 0.5 else ("IT", "MKT")
            extra["dept_factor"] = ((first_dept, 2 - low), (second_dept, low))
        elif status != "proposed":
            extra["cost_factor"] = float(rng.uniform(0.93, 1.06))
        if status == "active" and rng.random() < 0.02:
            extra["track_progress"] = False
        joint = len(funders) > 1
        if joint and rng.random() < 0.08:
            extra["team_only"] = ("MKT", "IT")[int(rng.integers(2))]
        owner_u = rng.random()
        if owner_u < 0.04:
            extra["owners"] = (
                (("data_processing", ("MKT",)),) if rng.random() < 0.5 else (("customer_database", ("IT",)),)
            )
        elif owner_u < 0.06:
            extra["owners"] = ((AREAS[int(rng.integers(4))][0], ()),)
        elif owner_u < 0.08:
            extra["owners"] = (("data_policy", ("IT", "MKT")),)
        if status in ("active", "done") and rng.random() < 0.3:
            extra["corrections"] = int(rng.integers(1, 3))
        rag, reason = RAG_REASONS[kind]
        if status == "done":
            rag, reason = "green", "Opgeleverd."
        elif status == "on_hold":
            rag, reason = "amber", "On hold in afwachting van een besluit in de stuurgroep."
        elif status == "cancelled":
            rag, reason = None, "Gestopt na herprioritering in de stuurgroep."
        elif status == "proposed":
            rag, reason = None, None
        goals = _generated_goals(rng, start, end, status, kind)
        specs.append(
            ProjectSpec(
                code=f"P-{number:03d}",
                name=name,
                goal=goal_text,
                status=status,
                start=start,
                end=end,
                total=total,
                funders=funders,
                rag=rag,
                rag_reason=reason,
                actual_end=actual_end,
                goals=goals,
                **extra,
            )
        )
    return specs


def _generated_goals(
    rng: np.random.Generator, start: int, end: int, status: str, kind: str
) -> tuple[GoalSpec, ...]:
    goals: list[GoalSpec] = []
    count = int(rng.integers(1, 4))
    picks = rng.choice(len(GOAL_TEMPLATES), size=count, replace=False)
    for number, pick in enumerate(picks, start=1):
        goal, measure, low, high, decimals = GOAL_TEMPLATES[int(pick)]
        target = round(float(rng.uniform(low, high)), decimals)
        due_month = start + max(3, round((end - start) * number / count))
        due = _month_end(due_month)
        value: float | None = None
        reached: date | None = None
        u = rng.random()
        if status in ("cancelled", "proposed"):
            pass
        elif due > DEMO_AS_OF:
            if u < 0.1:
                reached = due - timedelta(days=int(rng.integers(30, 120)))
        elif kind == "late" or status == "on_hold":
            if u < 0.3:
                reached = due + timedelta(days=int(rng.integers(20, 120)))
        elif u < 0.7:
            reached = due - timedelta(days=int(rng.integers(1, 40)))
        elif u < 0.9:
            reached = due + timedelta(days=int(rng.integers(10, 90)))
        if reached is not None and reached > DEMO_AS_OF:
            reached = None
        if reached is not None:
            value = round(target * float(rng.uniform(1.0, 1.12)), decimals)
        goals.append(GoalSpec(f"G{number}", goal, measure, target, due, value, reached))
    return tuple(goals)


# --------------------------------------------------------------------------------------
# Budget lines and progress (numpy, one project at a time)
# --------------------------------------------------------------------------------------


@dataclass
class Lines:
    """Budget lines as parallel arrays; NaN actual means NULL."""

    project: list[np.ndarray] = field(default_factory=list)
    month: list[np.ndarray] = field(default_factory=list)
    dept: list[np.ndarray] = field(default_factory=list)
    category: list[np.ndarray] = field(default_factory=list)
    planned: list[np.ndarray] = field(default_factory=list)
    actual: list[np.ndarray] = field(default_factory=list)

    def add(
        self,
        project: int,
        month: np.ndarray,
        dept: int,
        category: np.ndarray,
        planned: np.ndarray,
        actual: np.ndarray,
    ) -> None:
        n = len(month)
        self.project.append(np.full(n, project, dtype=np.int64))
        self.month.append(month.astype(np.int64))
        self.dept.append(np.full(n, dept, dtype=np.int64))
        self.category.append(category.astype(np.int64))
        self.planned.append(planned)
        self.actual.append(actual)

    def concat(self) -> dict[str, np.ndarray]:
        """One array per column (the 25 fixed projects always give lines)."""
        names = ("project", "month", "dept", "category", "planned", "actual")
        return {name: np.concatenate(getattr(self, name)) for name in names}


def _spread(total: float, weights: np.ndarray) -> np.ndarray:
    """Split `total` euros over `weights` in cents so that the parts add up exactly."""
    cents = round(total * 100)
    raw = np.maximum(np.floor(weights / weights.sum() * cents), 1)
    raw[np.argmax(raw)] += cents - raw.sum()
    return raw / 100


def _project_budget(
    spec: ProjectSpec, index: int, rng: np.random.Generator, n_categories: int, lines: Lines
) -> dict[str, float]:
    """Add the project's budget lines; return the committed amount per funding department."""
    shares = spec.shares()
    committed = {dept: float(round(spec.total * share, -3)) for dept, share in shares.items()}
    if spec.start >= N_MONTHS:
        return committed  # proposed beyond the plan horizon: a commitment, no plan lines yet
    months = np.arange(spec.start, min(spec.end, N_MONTHS - 1) + 1)
    m = len(months)
    phase = (np.arange(m) + 0.5) / m
    profile = 0.6 + 0.4 * np.sin(np.pi * phase)
    last_actual = CUTOFF
    if spec.actual_end is not None:
        last_actual = min(last_actual, month_index(spec.actual_end))
    if spec.stop is not None and spec.status == "cancelled":
        last_actual = min(last_actual, spec.stop)
    month_noise = rng.lognormal(0.0, 0.04, m)
    cats = np.arange(n_categories)
    for dept, amount in committed.items():
        d = DEPT_INDEX[dept]
        base = np.array([CATEGORIES[c][3][d] for c in range(n_categories)], dtype=float)
        mix = base * rng.lognormal(0.0, 0.2, n_categories)
        weights = profile[:, None] * mix[None, :] * rng.lognormal(0.0, 0.1, (m, n_categories))
        planned = _spread(amount, weights.ravel()).reshape(m, n_categories)
        factor = spec.cost_factor * dict(spec.dept_factor).get(dept, 1.0)
        actual = planned * factor * month_noise[:, None] * rng.lognormal(0.0, 0.07, (m, n_categories))
        booked = (months >= spec.start + spec.late_start) & (months <= last_actual)
        actual[~booked, :] = np.nan
        if spec.status == "on_hold" and spec.stop is not None:
            held = (months > spec.stop) & (months <= CUTOFF)
            # On hold: only the licences keep running, everything else stops.
            actual[held, :] = 0.0
            actual[held, 2] = np.round(planned[held, 2] * 0.8, 2)
        actual = np.round(actual, 2)
        for _ in range(spec.corrections):
            _plant_correction(rng, months, actual, planned)
        lines.add(
            index,
            np.repeat(months, n_categories),
            d,
            np.tile(cats, m),
            planned.ravel(),
            actual.ravel(),
        )
        if spec.overrun:
            extra = np.arange(spec.end + 1, min(spec.end + spec.overrun, CUTOFF) + 1)
            if len(extra):
                # Work goes on after the planned end: staff and contractors, no plan left.
                monthly = planned[:, :2].mean(axis=0)
                over = monthly[None, :] * factor * rng.lognormal(0.0, 0.08, (len(extra), 2))
                lines.add(
                    index,
                    np.repeat(extra, 2),
                    d,
                    np.tile(np.arange(2), len(extra)),
                    np.zeros(2 * len(extra)),
                    np.round(over, 2).ravel(),
                )
    return committed


def _plant_correction(
    rng: np.random.Generator, months: np.ndarray, actual: np.ndarray, planned: np.ndarray
) -> None:
    """A supplier's credit note: last month was booked twice, this month reverses it.

    The two months together keep their original total, so realisation is unchanged.
    """
    candidates = [
        i for i in range(1, len(months)) if not np.isnan(actual[i, 1]) and not np.isnan(actual[i - 1, 1])
    ]
    if not candidates:
        return
    i = candidates[int(rng.integers(len(candidates)))]
    category = 1 if rng.random() < 0.6 else 2  # external or licences
    credit = round(
        float(planned[i, category]) * float(rng.uniform(0.4, 0.9)) + float(rng.uniform(500, 4000)), 2
    )
    actual[i - 1, category] = round(actual[i - 1, category] + actual[i, category] + credit, 2)
    actual[i, category] = -credit


def _project_progress(
    spec: ProjectSpec, rng: np.random.Generator, planned_by_month: np.ndarray
) -> list[tuple[int, float]]:
    """Monthly % complete, monotone, consistent with the planted lateness."""
    if not spec.track_progress or spec.start > CUTOFF or spec.status == "proposed":
        return []
    last = CUTOFF
    if spec.actual_end is not None:
        last = min(last, month_index(spec.actual_end))
    months = np.arange(spec.start, last + 1)
    cumulative = np.cumsum(planned_by_month)
    plan_pct = cumulative / cumulative[-1] * 100
    offsets = months - spec.start - spec.late_start
    planned_at = np.where(offsets < 0, 0.0, plan_pct[np.clip(offsets, 0, len(plan_pct) - 1)])
    pct = planned_at * spec.progress_ratio * rng.uniform(0.96, 1.03, len(months))
    after_end = months > spec.end
    if after_end.any():
        # Late projects past their planned end keep creeping forward, a few points a month.
        pct[after_end] = spec.progress_ratio * 100 + 3.0 * (months[after_end] - spec.end)
    if spec.stop is not None:
        frozen = months > spec.stop
        if frozen.any():
            pct[frozen] = pct[~frozen][-1]
    pct = np.maximum.accumulate(np.clip(pct, 0, 99.5))
    if spec.status == "done":
        pct[-1] = 100.0
    return list(zip(months.tolist(), np.round(pct, 1).tolist(), strict=True))


# --------------------------------------------------------------------------------------
# Survey
# --------------------------------------------------------------------------------------

WAVES: tuple[tuple[str, str, date], ...] = (
    ("W2025-1", "Voorjaarsmeting 2025", date(2025, 3, 15)),
    ("W2025-2", "Najaarsmeting 2025", date(2025, 9, 15)),
    ("W2026-1", "Voorjaarsmeting 2026", date(2026, 3, 15)),
    ("W2026-2", "Najaarsmeting 2026", date(2026, 9, 15)),
)
# Invited and responding per department per wave in the demo (scaled for large, FIN never).
INVITED = {"MKT": (44, 45, 46, 47), "IT": (58, 60, 61, 62), "FIN": (6, 6, 6, 6)}
RESPONDING = {"MKT": (30, 32, 35, 38), "IT": (40, 43, 46, 50), "FIN": (4, 4, 4, 4)}
# The demo instrument: the five dimensions migration 0018 seeds (the database holds them).
SURVEY_DIMENSIONS = ("ability", "benevolence", "integrity", "communication", "strategy")
DIM_CODES = {
    "ability": "ABI",
    "benevolence": "BEN",
    "integrity": "INT",
    "communication": "COM",
    "strategy": "STR",
}
RATED = ("MKT", "IT")
RATED_NAMES = {"MKT": ("Marketing", "Marketing"), "IT": ("IT", "IT")}
# (NL, EN) per dimension; the third item of each set is phrased negatively (reverse-coded).
ITEM_TEXTS: dict[str, tuple[tuple[str, str], tuple[str, str], tuple[str, str]]] = {
    "ability": (
        (
            "{d} heeft de kennis en kunde om onze gezamenlijke projecten te laten slagen.",
            "{d} has the knowledge and skills to make our joint projects succeed.",
        ),
        ("{d} levert wat nodig is, van goede kwaliteit.", "{d} delivers what is needed, at good quality."),
        (
            "{d} mist vaak de vaardigheden die onze projecten nodig hebben.",
            "{d} often lacks the skills our projects need.",
        ),
    ),
    "benevolence": (
        ("{d} houdt rekening met onze belangen.", "{d} takes our interests into account."),
        (
            "{d} doet moeite om ons te helpen, ook als dat niet hoeft.",
            "{d} goes out of its way to help us, even when it does not have to.",
        ),
        ("{d} kijkt vooral naar het eigen belang.", "{d} mainly looks after its own interests."),
    ),
    "integrity": (
        ("{d} komt afspraken na.", "{d} keeps its commitments."),
        ("{d} is eerlijk over wat wel en niet kan.", "{d} is honest about what can and cannot be done."),
        (
            "Op toezeggingen van {d} kun je niet altijd rekenen.",
            "You cannot always rely on promises from {d}.",
        ),
    ),
    "communication": (
        ("{d} informeert ons tijdig over wijzigingen.", "{d} informs us of changes in good time."),
        ("Het overleg met {d} is open en helder.", "Discussions with {d} are open and clear."),
        ("{d} gebruikt jargon dat wij niet begrijpen.", "{d} uses jargon that we do not understand."),
    ),
    "strategy": (
        (
            "{d} betrekt ons tijdig bij strategische keuzes.",
            "{d} involves us in strategic choices in good time.",
        ),
        ("{d} ziet ons als volwaardige partner.", "{d} sees us as a full partner."),
        ("{d} neemt strategische besluiten zonder ons.", "{d} takes strategic decisions without us."),
    ),
}


def _survey_items() -> list[dict[str, Any]]:
    items = []
    for rated in RATED:
        name_nl, name_en = RATED_NAMES[rated]
        for dimension in SURVEY_DIMENSIONS:
            for number, (nl, en) in enumerate(ITEM_TEXTS[dimension], start=1):
                items.append(
                    {
                        "code": f"{DIM_CODES[dimension]}-{rated}-{number}",
                        "text_nl": nl.format(d=name_nl),
                        "text_en": en.format(d=name_en),
                        "dimension": dimension,
                        "rated": rated,
                        "reverse_coded": number == 3,
                    }
                )
    return items


def _latent_mean(wave: int, rater: str, rated: str, dimension: str) -> float:
    """Mean of the latent trait (1-5 scale) that drives the answers."""
    if rater == rated:
        return 3.95 + (0.05 if dimension == "ability" else 0.0)
    if rater == "FIN":
        return 3.3
    if rater == "MKT":  # marketing about IT: slowly better, then a clear jump in the last wave
        base = (2.75, 2.85, 2.95, 3.5)[wave]
        offset = {
            "ability": 0.2,
            "benevolence": -0.1,
            "integrity": 0.1,
            "communication": -0.15,
            "strategy": -0.05,
        }[dimension]
        return base + offset
    # IT about marketing: slowly better, but strategy stays low and communication dips last.
    if dimension == "strategy":
        return (2.3, 2.35, 2.3, 2.35)[wave]
    if dimension == "communication":
        return (3.0, 3.15, 3.3, 2.8)[wave]
    return (2.95, 3.05, 3.15, 3.25)[wave] + (0.1 if dimension == "integrity" else 0.0)


def _centred(values: np.ndarray) -> np.ndarray:
    """Person effects with mean zero in the group: group means follow the design, not the draw."""
    return values - values.mean() if len(values) > 1 else values


def _answers(
    rng: np.random.Generator, wave: int, rater: str, n: int, items: list[dict[str, Any]]
) -> np.ndarray:
    """Scores 1-5 of n respondents on all items (reverse-coded items answered reversed)."""
    general = _centred(rng.normal(0.0, 0.45, n))
    per_rated = {rated: _centred(rng.normal(0.0, 0.35, n)) for rated in RATED}
    per_scale = {
        (rated, dim): _centred(rng.normal(0.0, 0.45, n)) for rated in RATED for dim in SURVEY_DIMENSIONS
    }
    scores = np.empty((n, len(items)), dtype=np.int64)
    for j, item in enumerate(items):
        rated, dim = item["rated"], item["dimension"]
        trait = _latent_mean(wave, rater, rated, dim) + general + per_rated[rated] + per_scale[(rated, dim)]
        noise = rng.normal(0.0, 0.6 if item["reverse_coded"] else 0.5, n)
        value = np.clip(np.rint(trait + noise), 1, 5).astype(np.int64)
        scores[:, j] = 6 - value if item["reverse_coded"] else value
    return scores


COMMENTS: dict[str, tuple[tuple[tuple[str, str], ...], ...]] = {
    # per wave: (dimension, text) of marketing respondents, then of IT respondents
    "MKT": (
        (
            ("communication", "Aanvragen bij IT verdwijnen in een ticketsysteem; we horen weken niets."),
            ("ability", "De mensen van IT weten veel, maar vertalen het niet naar wat wij nodig hebben."),
            ("strategy", "IT denkt in platformen, wij in klanten. Daar moeten we samen uit komen."),
        ),
        (
            ("integrity", "Afspraken over de CDP-planning zijn twee keer verschoven zonder uitleg."),
            ("benevolence", "Het CDP-team denkt inmiddels echt met ons mee bij nieuwe campagnes."),
            ("communication", "De wekelijkse stand-up met IT helpt, maar de notulen zijn onleesbaar."),
        ),
        (
            (
                "ability",
                "Het nieuwe dataplatform werkt; segmenten maken gaat nu in uren in plaats van weken.",
            ),
            ("communication", "IT legt keuzes beter uit, al blijft het veel jargon."),
            ("integrity", "Wat in de stuurgroep wordt toegezegd, gebeurt nu ook."),
        ),
        (
            ("strategy", "Sinds de gezamenlijke roadmap-sessies voelt IT als partner, niet als leverancier."),
            ("benevolence", "IT heeft ons deze zomer echt uit de brand geholpen met de consentkoppeling."),
            ("ability", "Het gemengde team voor de chatbot laat zien hoe het kan."),
        ),
    ),
    "IT": (
        (
            ("strategy", "We horen pas van nieuwe campagnes als de tooling al gekocht is."),
            ("communication", "Marketing vraagt oplossingen in plaats van het probleem uit te leggen."),
            ("integrity", "Deadlines van marketing zijn vaak onhaalbaar en worden toch toegezegd."),
        ),
        (
            ("strategy", "Bij de jaarplannen van marketing zitten we nog steeds niet aan tafel."),
            ("benevolence", "Marketing waardeert het werk aan de datakwaliteit, dat is nieuw."),
            ("ability", "De marketeers in het CDP-team snappen steeds beter hoe data werkt."),
        ),
        (
            ("communication", "Het overleg over prioriteiten gaat beter sinds we één backlog hebben."),
            ("strategy", "Strategische keuzes over retail media zijn weer zonder IT gemaakt."),
            ("integrity", "Marketing houdt zich aan de afspraken over de 50/50-financiering."),
        ),
        (
            (
                "communication",
                "Na de reorganisatie bij marketing is niet meer duidelijk wie waarover beslist.",
            ),
            ("strategy", "Roadmap-sessies zijn een goed begin, maar de echte keuzes vallen nog elders."),
            ("communication", "We krijgen wijzigingen in campagnes te laat door, vaak pas op de dag zelf."),
        ),
    ),
}


# --------------------------------------------------------------------------------------
# Steering log
# --------------------------------------------------------------------------------------

MEETINGS = {
    "2026-05": datetime(2026, 5, 12, 16, 0),
    "2026-06": datetime(2026, 6, 9, 16, 0),
    "2026-07": datetime(2026, 7, 7, 16, 0),
    "2026-08": datetime(2026, 8, 25, 16, 0),
    "2026-09": datetime(2026, 9, 15, 16, 0),
    "2026-10": datetime(2026, 10, 13, 16, 0),
}
CIO = "CIO-office: J. de Vries"
CMO = "CMO-office: S. Bakker"
FINANCE = "Finance: M. Jansen"

# meeting, project, title, description, actions: (title, dept, owner, due, status, closed_on)
ActionSpec = tuple[str, str, str, str, str, str | None]
# fmt: off
STEERING: tuple[tuple[str, str | None, str, str, tuple[ActionSpec, ...]], ...] = (
    ("2026-05", "P-001", "Herplanning Klantdataplatform (CDP) fase 2",
     "De kostenoverschrijding van ruim 20% wordt tot eind 2026 geaccepteerd, zonder extra scope. "
     "IT levert in juni een herziene planning.",
     (("Herziene planning en kostenraming CDP fase 2 opleveren", "IT", CIO, "2026-06-05", "done",
       "2026-06-03"),
      ("Scopevoorstel CDP zonder realtime-koppelingen uitwerken", "MKT", CMO, "2026-06-05", "done",
       "2026-06-12"))),
    ("2026-05", "P-002", "Financieringsverdeling Marketing automation herstellen",
     "De IT-bijdrage loopt achter op de afgesproken 50/50-verdeling. Vanaf juli boekt IT de helft van de "
     "inhuur op de eigen kostenplaats.",
     (("Inhuur marketing automation voortaan 50/50 boeken", "FIN", FINANCE, "2026-06-30", "done",
       "2026-06-24"),)),
    ("2026-06", "P-004", "Churnvoorspelling verlengd tot en met december 2026",
     "Het model gaat pas live na verbetering van de contracthistorie. Geen extra budget; de uitloop "
     "wordt binnen het IT-budget opgevangen.",
     (("Plan van aanpak datakwaliteit contracthistorie", "IT", "Data office: R. Visser", "2026-07-15",
       "in_progress", None),
      ("Retentiecampagne pas starten na modelvalidatie", "MKT", CMO, "2026-07-31", "done", "2026-07-20"))),
    ("2026-06", "P-006", "Externe AVG-toets consentcentrum",
     "Een externe privacytoets moet de juridische vertraging doorbreken.",
     (("Offerte externe AVG-toets opvragen", "IT", CIO, "2026-06-30", "cancelled", "2026-06-26"),
      ("Interne privacy officer beoordeelt het ontwerp", "IT", "Privacy office: E. Meijer", "2026-07-31",
       "done", "2026-07-29"))),
    ("2026-07", None, "Gezamenlijke roadmap-sessie CMO en CIO per kwartaal",
     "Naar aanleiding van de trustmeting schuift IT vanaf het derde kwartaal aan bij de kwartaalplanning "
     "van marketing.",
     (("Eerste gezamenlijke roadmap-sessie organiseren", "MKT", CMO, "2026-09-15", "done", "2026-09-10"),
      ("Voorstel gemengde teambezetting voor nieuwe projecten", "IT", CIO, "2026-08-31", "open", None))),
    ("2026-08", "P-020", "Klantreis-analytics blijft on hold tot besluit CDP fase 2",
     "Licenties worden afgeschaald tot er een besluit is over CDP fase 2.",
     (("Licenties klantreis-analytics tijdelijk afschalen", "IT", "IT-inkoop: K. Mulder", "2026-09-30",
       "done", "2026-10-02"),)),
    ("2026-09", "P-013", "Eigenaarschap klantdatabase chatbot naar Marketing",
     "Conform de huisregel wordt Marketing eigenaar van de klantdatabase van de chatbot; IT blijft "
     "verantwoordelijk voor de verwerking.",
     (("RACI chatbot aanpassen en vastleggen", "MKT", "CMO-office: L. Smit", "2026-10-15", "open", None),
      ("Overdracht beheer klantdatabase chatbot", "IT", CIO, "2026-11-30", "open", None))),
    ("2026-09", "P-018", "Voortgangsrapportage realtime personalisatie verplicht",
     "Zonder voortgangsmeting is geen earned value te bepalen; vanaf oktober maandelijks aanleveren.",
     (("Eerste voortgangsmeting realtime personalisatie aanleveren", "IT", "CIO-office: T. Hendriks",
       "2026-11-06", "in_progress", None),)),
    ("2026-10", None, "Begroting 2027: gezamenlijke projecten standaard 50/50",
     "Nieuwe gezamenlijke projecten worden voortaan gelijk gefinancierd, tenzij de stuurgroep anders "
     "besluit.",
     (("Begrotingsvoorstel 2027 gezamenlijke projecten", "FIN", FINANCE, "2026-11-20", "open", None),
      ("Trustmeting W2026-2 bespreken in afdelingsoverleg", "IT", CIO, "2026-10-28", "done", "2026-10-27"))),
    ("2026-10", "P-012", "Marketing-bijdrage attributiemodel inhalen",
     "Marketing compenseert in het vierde kwartaal de achterstand in de financiering.",
     (("Budgetverschuiving attributiemodel naar Q4", "MKT", CMO, "2026-12-15", "open", None),)),
)
# fmt: on


# --------------------------------------------------------------------------------------
# Building all rows
# --------------------------------------------------------------------------------------


@dataclass
class DemoData:
    """All generated rows, with natural keys (codes) instead of database ids."""

    categories: list[tuple[str, str, str]]
    projects: list[ProjectSpec]
    funding: list[tuple[str, str, float, float | None]]
    ownership: list[tuple[str, str, str]]
    team: list[tuple[str, str, str, float, date, date | None]]
    lines: dict[str, np.ndarray]
    progress: list[tuple[str, date, float]]
    invitations: list[tuple[str, str, int]]
    items: list[dict[str, Any]]
    responses: dict[str, np.ndarray]  # wave, respondent number, dept, item, score
    respondent_refs: list[str]
    comments: list[tuple[str, str, str, str, str]]


def _rng(seed: int, part: int) -> np.random.Generator:
    return np.random.default_rng([seed, part])


def build_demo_data(
    *, scale: str = "demo", seed: int = DEFAULT_SEED, n_projects: int | None = None
) -> DemoData:
    """Generate every row in memory, deterministically; no database involved."""
    profile = _profile(scale, n_projects)
    specs = list(DEMO_PROJECTS)
    if profile.n_projects > len(specs):
        specs += _generated_specs(_rng(seed, 1), len(specs) + 1, profile.n_projects - len(specs))

    budget_rng = _rng(seed, 2)
    progress_rng = _rng(seed, 3)
    lines = Lines()
    funding: list[tuple[str, str, float, float | None]] = []
    progress: list[tuple[str, date, float]] = []
    for index, spec in enumerate(specs):
        first_line = len(lines.project)
        committed = _project_budget(spec, index, budget_rng, profile.n_categories, lines)
        for dept, share in spec.funders:
            funding.append((spec.code, dept, committed[dept], share))
        if len(lines.project) > first_line:
            planned = np.concatenate(lines.planned[first_line:])
            months = np.concatenate(lines.month[first_line:])
            in_plan = months <= spec.end
            by_month = np.bincount(months[in_plan] - spec.start, weights=planned[in_plan])
            for month, pct in _project_progress(spec, progress_rng, by_month):
                progress.append((spec.code, MONTHS[month], pct))

    ownership: list[tuple[str, str, str]] = []
    for spec in specs:
        overrides = dict(spec.owners)
        for area, _, _, expected in AREAS:
            for dept in overrides.get(area, (expected,)):
                ownership.append((spec.code, area, dept))

    team = _team(_rng(seed, 4), specs, profile)
    invitations, items, responses, refs, comments = _survey(_rng(seed, 5), profile)
    categories = [(code, nl, en) for code, nl, en, _ in CATEGORIES[: profile.n_categories]]
    return DemoData(
        categories,
        specs,
        funding,
        ownership,
        team,
        lines.concat(),
        progress,
        invitations,
        items,
        responses,
        refs,
        comments,
    )


def _team(
    rng: np.random.Generator, specs: Sequence[ProjectSpec], profile: Profile
) -> list[tuple[str, str, str, float, date, date | None]]:
    numbers = rng.choice(np.arange(10_000, 100_000), size=sum(profile.pool_sizes), replace=False)
    pools: dict[str, list[str]] = {}
    offset = 0
    for (dept, _, _), size in zip(DEPARTMENTS, profile.pool_sizes, strict=True):
        pools[dept] = [f"E-{n}" for n in numbers[offset : offset + size].tolist()]
        offset += size
    fte_choices = np.array([0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0])
    rows: list[tuple[str, str, str, float, date, date | None]] = []
    for spec in specs:
        depts = [spec.team_only] if spec.team_only else [dept for dept, _ in spec.funders]
        last = spec.end
        if spec.actual_end is not None:
            last = month_index(spec.actual_end)
        if spec.stop is not None and spec.status == "cancelled":
            last = spec.stop
        if spec.status == "active":
            last = max(last, CUTOFF)  # late projects keep their team past the planned end
        for dept in depts:
            low, high = profile.members_per_dept
            count = 1 if dept == "FIN" else int(rng.integers(low, high + 1))
            if spec.team_only:
                count += 2  # a one-sided team is not a small team
            people = rng.choice(len(pools[dept]), size=count, replace=False)
            for person in people.tolist():
                start = spec.start + (int(rng.integers(0, 3)) if rng.random() < 0.3 else 0)
                start = min(start, last)
                fte = 0.2 if dept == "FIN" else float(rng.choice(fte_choices))
                open_ended = spec.status in ("active", "on_hold") and rng.random() < 0.25
                end = None if open_ended else month_at(max(last, start))
                rows.append((spec.code, pools[dept][person], dept, fte, month_at(start), end))
    return rows


def _survey(
    rng: np.random.Generator, profile: Profile
) -> tuple[
    list[tuple[str, str, int]],
    list[dict[str, Any]],
    dict[str, np.ndarray],
    list[str],
    list[tuple[str, str, str, str, str]],
]:
    items = _survey_items()
    invitations: list[tuple[str, str, int]] = []
    chunks: dict[str, list[np.ndarray]] = {k: [] for k in ("wave", "respondent", "dept", "item", "score")}
    refs: list[str] = []
    comments: list[tuple[str, str, str, str, str]] = []
    n_items = len(items)
    for w, (wave_code, _, _) in enumerate(WAVES):
        counts = {}
        for dept in ("MKT", "IT", "FIN"):
            factor = 1.0 if dept == "FIN" else profile.survey_factor
            invitations.append((wave_code, dept, round(INVITED[dept][w] * factor)))
            counts[dept] = round(RESPONDING[dept][w] * factor)
        total = sum(counts.values())
        numbers = rng.permutation(total) + 1  # refs do not reveal the department
        wave_refs = [f"R-{wave_code}-{n:04d}" for n in numbers.tolist()]
        first = 0
        for dept, n in counts.items():
            scores = _answers(rng, w, dept, n, items)
            ref_ids = np.arange(len(refs) + first, len(refs) + first + n)
            chunks["wave"].append(np.full(n * n_items, w))
            chunks["respondent"].append(np.repeat(ref_ids, n_items))
            chunks["dept"].append(np.full(n * n_items, DEPT_INDEX[dept]))
            chunks["item"].append(np.tile(np.arange(n_items), n))
            chunks["score"].append(scores.ravel())
            if dept in COMMENTS:
                writers = rng.choice(n, size=len(COMMENTS[dept][w]), replace=False)
                for writer, (dimension, text) in zip(writers.tolist(), COMMENTS[dept][w], strict=True):
                    comments.append((wave_code, wave_refs[first + writer], dept, dimension, text))
            first += n
        refs += wave_refs
    responses = {k: np.concatenate(v) for k, v in chunks.items()}
    return invitations, items, responses, refs, comments


# --------------------------------------------------------------------------------------
# Writing to the database
# --------------------------------------------------------------------------------------


def _chunks(
    rows: Sequence[dict[str, Any]] | Iterator[list[dict[str, Any]]],
) -> Iterator[list[dict[str, Any]]]:
    if isinstance(rows, Sequence):
        for start in range(0, len(rows), CHUNK_ROWS):
            yield list(rows[start : start + CHUNK_ROWS])
    else:
        yield from rows


def _insert(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]] | Iterator[list[dict[str, Any]]],
    counts: dict[str, int],
) -> None:
    total = 0
    for chunk in _chunks(rows):
        if chunk:
            conn.execute(insert(table), chunk)
            total += len(chunk)
    counts[table.name] = counts.get(table.name, 0) + total


def _ids(conn: Connection, table: Table, key: str = "code") -> dict[Any, int]:
    return {row[0]: row[1] for row in conn.execute(select(table.c[key], table.c.id))}


def _budget_rows(
    lines: dict[str, np.ndarray], project_ids: np.ndarray, dept_ids: np.ndarray, category_ids: np.ndarray
) -> Iterator[list[dict[str, Any]]]:
    n = len(lines["project"])
    for start in range(0, n, CHUNK_ROWS):
        part = slice(start, start + CHUNK_ROWS)
        actual = lines["actual"][part]
        actual_list = [None if math.isnan(a) else a for a in actual.tolist()]
        yield [
            {
                "project_id": p,
                "month": MONTHS[m],
                "department_id": d,
                "category_id": c,
                "planned": pl,
                "actual": ac,
            }
            for p, m, d, c, pl, ac in zip(
                project_ids[lines["project"][part]].tolist(),
                lines["month"][part].tolist(),
                dept_ids[lines["dept"][part]].tolist(),
                category_ids[lines["category"][part]].tolist(),
                lines["planned"][part].tolist(),
                actual_list,
                strict=True,
            )
        ]


def _response_rows(
    responses: dict[str, np.ndarray],
    wave_ids: np.ndarray,
    refs: list[str],
    dept_ids: np.ndarray,
    item_ids: np.ndarray,
) -> Iterator[list[dict[str, Any]]]:
    n = len(responses["score"])
    for start in range(0, n, CHUNK_ROWS):
        part = slice(start, start + CHUNK_ROWS)
        yield [
            {"wave_id": w, "respondent_ref": refs[r], "department_id": d, "item_id": i, "score": s}
            for w, r, d, i, s in zip(
                wave_ids[responses["wave"][part]].tolist(),
                responses["respondent"][part].tolist(),
                dept_ids[responses["dept"][part]].tolist(),
                item_ids[responses["item"][part]].tolist(),
                responses["score"][part].tolist(),
                strict=True,
            )
        ]


def _write(conn: Connection, data: DemoData) -> dict[str, int]:
    counts: dict[str, int] = {}
    t = {
        model.__tablename__: model.__table__
        for model in (
            Department,
            CostCategory,
            ResponsibilityArea,
            Project,
            Funding,
            Ownership,
            TeamMember,
            InsightGoal,
            BudgetLine,
            Progress,
            SurveyWave,
            SurveyInvitation,
            SurveyItem,
            SurveyResponse,
            SurveyComment,
            SteeringDecision,
            SteeringAction,
        )
    }
    _insert(
        conn,
        t["department"],
        [{"code": c, "name_nl": nl, "name_en": en} for c, nl, en in DEPARTMENTS],
        counts,
    )
    dept = _ids(conn, t["department"])
    _insert(
        conn,
        t["cost_category"],
        [{"code": c, "name_nl": nl, "name_en": en} for c, nl, en in data.categories],
        counts,
    )
    category = _ids(conn, t["cost_category"])
    _insert(
        conn,
        t["responsibility_area"],
        [
            {"code": c, "name_nl": nl, "name_en": en, "expected_department_id": dept[d]}
            for c, nl, en, d in AREAS
        ],
        counts,
    )
    area = _ids(conn, t["responsibility_area"])

    _insert(
        conn,
        t["project"],
        [
            {
                "code": s.code,
                "name": s.name,
                "goal": s.goal,
                "status": s.status,
                "planned_start": month_at(s.start),
                "planned_end": _month_end(s.end),
                "actual_end": s.actual_end,
                "rag": s.rag,
                "rag_reason": s.rag_reason,
            }
            for s in data.projects
        ],
        counts,
    )
    project = _ids(conn, t["project"])
    _insert(
        conn,
        t["funding"],
        [
            {
                "project_id": project[p],
                "department_id": dept[d],
                "committed_amount": amount,
                "agreed_share": share,
            }
            for p, d, amount, share in data.funding
        ],
        counts,
    )
    _insert(
        conn,
        t["ownership"],
        [
            {"project_id": project[p], "area_id": area[a], "department_id": dept[d]}
            for p, a, d in data.ownership
        ],
        counts,
    )
    _insert(
        conn,
        t["team_member"],
        [
            {
                "project_id": project[p],
                "person_ref": ref,
                "department_id": dept[d],
                "fte": fte,
                "start_month": start,
                "end_month": end,
            }
            for p, ref, d, fte, start, end in data.team
        ],
        counts,
    )
    _insert(
        conn,
        t["insight_goal"],
        [
            {
                "project_id": project[s.code],
                "code": g.code,
                "goal": g.goal,
                "measure": g.measure,
                "target_value": g.target_value,
                "target_date": g.target_date,
                "achieved_value": g.achieved_value,
                "achieved_date": g.achieved_date,
            }
            for s in data.projects
            for g in s.goals
        ],
        counts,
    )

    project_ids = np.array([project[s.code] for s in data.projects], dtype=np.int64)
    dept_ids = np.array([dept[code] for code, _, _ in DEPARTMENTS], dtype=np.int64)
    category_ids = np.array([category[code] for code, _, _ in data.categories], dtype=np.int64)
    _insert(conn, t["budget_line"], _budget_rows(data.lines, project_ids, dept_ids, category_ids), counts)
    _insert(
        conn,
        t["progress"],
        [{"project_id": project[p], "month": m, "pct_complete": pct} for p, m, pct in data.progress],
        counts,
    )

    _insert(conn, t["survey_wave"], [{"code": c, "name": n, "fielded_on": d} for c, n, d in WAVES], counts)
    wave = _ids(conn, t["survey_wave"])
    _insert(
        conn,
        t["survey_invitation"],
        [{"wave_id": wave[w], "department_id": dept[d], "invited_count": n} for w, d, n in data.invitations],
        counts,
    )
    _insert(
        conn,
        t["survey_item"],
        [
            {
                "code": i["code"],
                "text_nl": i["text_nl"],
                "text_en": i["text_en"],
                "dimension": i["dimension"],
                "rated_department_id": dept[i["rated"]],
                "reverse_coded": i["reverse_coded"],
            }
            for i in data.items
        ],
        counts,
    )
    item = _ids(conn, t["survey_item"])
    wave_ids = np.array([wave[c] for c, _, _ in WAVES], dtype=np.int64)
    item_ids = np.array([item[i["code"]] for i in data.items], dtype=np.int64)
    _insert(
        conn,
        t["survey_response"],
        _response_rows(data.responses, wave_ids, data.respondent_refs, dept_ids, item_ids),
        counts,
    )
    _insert(
        conn,
        t["survey_comment"],
        [
            {
                "wave_id": wave[w],
                "respondent_ref": ref,
                "department_id": dept[d],
                "dimension": dim,
                "text": text,
            }
            for w, ref, d, dim, text in data.comments
        ],
        counts,
    )
    _write_steering(conn, t["steering_decision"], t["steering_action"], project, dept, counts)
    return counts


def _write_steering(
    conn: Connection,
    decisions: Table,
    actions: Table,
    project: dict[Any, int],
    dept: dict[Any, int],
    counts: dict[str, int],
) -> None:
    counts.setdefault("steering_decision", 0)
    counts.setdefault("steering_action", 0)
    for number, (meeting, code, title, description, planned_actions) in enumerate(STEERING):
        held = MEETINGS[meeting] + timedelta(minutes=10 * number)
        decision_id = conn.execute(
            insert(decisions).returning(decisions.c.id),
            {
                "meeting_month": month_at(_m(meeting)),
                "title": title,
                "description": description,
                "project_id": project[code] if code else None,
                "created_by": CREATED_BY,
                "created_at": held,
                "version": 1,
            },
        ).scalar_one()
        counts["steering_decision"] += 1
        _insert(
            conn,
            actions,
            [
                {
                    "meeting_month": month_at(_m(meeting)),
                    "decision_id": decision_id,
                    "title": a_title,
                    "owner_department_id": dept[a_dept],
                    "owner_person": owner,
                    "due_date": _d(due),
                    "status": status,
                    "closed_on": _d(closed) if closed else None,
                    "created_by": CREATED_BY,
                    "created_at": held + timedelta(minutes=2 + k),
                    "version": 1,
                }
                for k, (a_title, a_dept, owner, due, status, closed) in enumerate(planned_actions)
            ],
            counts,
        )


# History (data_access.history): the demo organisation started recording it on
# DEMO_HISTORY_START; every row's first version is dated from the first demo month. Two
# changes during 2026 show in a replay: P-002's data processing was Marketing's until
# DEMO_OWNERSHIP_CHANGE (a house-rule breach in June, fixed since), and P-020 was active
# until it was put on hold on DEMO_STATUS_CHANGE.
DEMO_HISTORY_START = date(2026, 6, 1)
DEMO_OWNERSHIP_CHANGE = ("P-002", "data_processing", "MKT", date(2026, 7, 6))
DEMO_STATUS_CHANGE = ("P-020", "active", date(2026, 8, 3))


def _write_history(conn: Connection) -> None:
    """Date the versions the triggers just recorded, and add the demo's two past versions."""
    for table in HISTORY_TABLES:
        conn.execute(update(table).values(valid_from=DEMO_FIRST_MONTH))
    set_history_start(conn, DEMO_HISTORY_START)
    projects = _ids(conn, Project.__table__)
    areas = _ids(conn, ResponsibilityArea.__table__)
    departments = _ids(conn, Department.__table__)
    code, area, old_department, changed_on = DEMO_OWNERSHIP_CHANGE
    current = OwnershipHistory.project_id == projects[code], OwnershipHistory.area_id == areas[area]
    row_id = conn.scalar(select(OwnershipHistory.ownership_id).where(*current))
    conn.execute(update(OwnershipHistory).where(*current).values(valid_from=changed_on))
    conn.execute(
        insert(OwnershipHistory).values(
            ownership_id=row_id,
            project_id=projects[code],
            area_id=areas[area],
            department_id=departments[old_department],
            valid_from=DEMO_FIRST_MONTH,
            valid_to=changed_on,
        )
    )
    code, old_status, changed_on = DEMO_STATUS_CHANGE
    conn.execute(
        update(ProjectStatusHistory)
        .where(ProjectStatusHistory.project_id == projects[code])
        .values(valid_from=changed_on)
    )
    conn.execute(
        insert(ProjectStatusHistory).values(
            project_id=projects[code], status=old_status, valid_from=DEMO_FIRST_MONTH, valid_to=changed_on
        )
    )


def _has_departments(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.scalar(select(func.count()).select_from(Department.__table__)))


def seed_demo(
    engine: Engine,
    *,
    scale: str = "demo",
    seed: int = DEFAULT_SEED,
    n_projects: int | None = None,
    budget_lines_target: int | None = None,
) -> dict[str, int]:
    """Fill an already migrated database with demo data; rows inserted per table.

    Everything is written in one transaction that also bumps the data version. A database
    that already holds a department is left alone and {} is returned, so seeding twice (or
    two processes seeding at once) never duplicates data. `n_projects` (or
    `budget_lines_target`, about 600 lines per project) sizes the "large" scale.
    """
    if budget_lines_target is not None:
        if n_projects is not None:
            raise ValueError("give n_projects or budget_lines_target, not both")
        n_projects = projects_for_budget_lines(budget_lines_target)
        scale = "large"
    if _has_departments(engine):
        return {}
    data = build_demo_data(scale=scale, seed=seed, n_projects=n_projects)
    try:
        with engine.begin() as conn:
            if conn.scalar(select(func.count()).select_from(Department.__table__)):
                return {}
            counts = _write(conn, data)
            _write_history(conn)
            bump_data_version(conn)
    except (IntegrityError, OperationalError):
        # Another process seeded at the same time and won the race: nothing to do.
        if _has_departments(engine):
            return {}
        raise
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=SCALES, default="demo", help="demo (25 projects) or large")
    parser.add_argument(
        "--database-url", help="SQLAlchemy URL; default from DATABASE_URL, secrets, or embedded"
    )
    parser.add_argument("--n-projects", type=int, help="projects of the large scale (default 2000)")
    parser.add_argument("--budget-lines", type=int, help="about this many budget lines (large scale)")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    args = parser.parse_args(argv)
    if (args.n_projects is not None or args.budget_lines is not None) and args.scale == "demo":
        args.scale = "large"
    url = args.database_url or resolve_database_url().url
    started = time.perf_counter()
    try:
        engine = create_db_engine(url)
        upgrade_schema(engine)
        counts = seed_demo(
            engine,
            scale=args.scale,
            seed=args.seed,
            n_projects=args.n_projects,
            budget_lines_target=args.budget_lines,
        )
        engine.dispose()
    except (DatabaseUnavailable, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"error: seeding {describe_url(url)} failed: {type(exc).__name__}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    if not counts:
        print(f"{describe_url(url)} already holds data; nothing seeded ({elapsed:.1f} s)")
        return 0
    width = max(len(name) for name in counts)
    for name, count in counts.items():
        print(f"{name:<{width}}  {count:>10,}")
    print(f"seeded {args.scale} data into {describe_url(url)} in {elapsed:.1f} s")
    return 0
