"""The import kinds: their columns (name, type, required, example, description NL/EN),
natural keys and the order in which a workbook's sheets are applied."""

from __future__ import annotations

from dataclasses import dataclass, field

from data_access.models import PROJECT_STATUSES, RAG_VALUES

TEXT = "text"
CODE = "code"
DECIMAL = "decimal"
INTEGER = "integer"
DATE = "date"
MONTH = "month"
BOOLEAN = "boolean"
CHOICE = "choice"
REFERENCE = "reference"  # a code of another entity (the kind named in `ref`)
TYPES = (TEXT, CODE, DECIMAL, INTEGER, DATE, MONTH, BOOLEAN, CHOICE, REFERENCE)


@dataclass(frozen=True)
class Column:
    """One column of an import file; `minimum`/`maximum` bound numbers (inclusive unless `exclusive_min`)."""

    name: str
    type: str
    required: bool
    example: str
    nl: str
    en: str
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_min: bool = False
    decimals: int | None = None
    choices: tuple[str, ...] = ()
    ref: str | None = None  # kind whose code this column holds
    stores_code: bool = False  # a reference kept as the code itself in the database, not the row id


@dataclass(frozen=True)
class Kind:
    """An import kind: one entity (or one source of budget lines) and its file layout."""

    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    nl: str
    en: str
    replaces: str = ""  # how the file replaces existing rows, documented in the template
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


AMOUNT_LIMIT = 1_000_000_000_000 - 0.01


def _code(name: str, example: str, nl: str, en: str, *, length: int = 40) -> Column:
    return Column(name, CODE, True, example, nl, en, max_length=length)


def _ref(
    name: str, ref: str, example: str, nl: str, en: str, *, required: bool = True, stores_code: bool = False
) -> Column:
    return Column(name, REFERENCE, required, example, nl, en, ref=ref, stores_code=stores_code)


def _amount(
    name: str, required: bool, example: str, nl: str, en: str, *, minimum: float | None = None
) -> Column:
    return Column(
        name,
        DECIMAL,
        required,
        example,
        nl,
        en,
        minimum=-AMOUNT_LIMIT if minimum is None else minimum,
        maximum=AMOUNT_LIMIT,
        decimals=2,
    )


PROJECT = _ref("project", "projects", "P-001", "Projectcode", "Project code")
DEPARTMENT = _ref("department", "departments", "MKT", "Afdelingscode", "Department code")
WAVE = _ref("wave", "survey_waves", "W2026-1", "Code van de enquêteronde", "Survey wave code")

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "departments",
            "department",
            (
                _code("code", "MKT", "Unieke afdelingscode", "Unique department code"),
                Column(
                    "name_nl",
                    TEXT,
                    True,
                    "Marketing",
                    "Naam in het Nederlands",
                    "Name in Dutch",
                    max_length=100,
                ),
                Column(
                    "name_en",
                    TEXT,
                    True,
                    "Marketing",
                    "Naam in het Engels",
                    "Name in English",
                    max_length=100,
                ),
            ),
            ("code",),
            "Afdelingen",
            "Departments",
        ),
        Kind(
            "cost_categories",
            "cost_category",
            (
                _code(
                    "code",
                    "personnel",
                    "Unieke code van de kostensoort",
                    "Unique cost category code",
                    length=40,
                ),
                Column(
                    "name_nl",
                    TEXT,
                    True,
                    "Eigen personeel",
                    "Naam in het Nederlands",
                    "Name in Dutch",
                    max_length=100,
                ),
                Column(
                    "name_en",
                    TEXT,
                    True,
                    "Internal staff",
                    "Naam in het Engels",
                    "Name in English",
                    max_length=100,
                ),
            ),
            ("code",),
            "Kostensoorten",
            "Cost categories",
        ),
        Kind(
            "responsibility_areas",
            "responsibility_area",
            (
                _code(
                    "code",
                    "data_processing",
                    "Unieke code van het verantwoordelijkheidsgebied",
                    "Unique area code",
                    length=40,
                ),
                Column(
                    "name_nl",
                    TEXT,
                    True,
                    "Gegevensverwerking",
                    "Naam in het Nederlands",
                    "Name in Dutch",
                    max_length=100,
                ),
                Column(
                    "name_en",
                    TEXT,
                    True,
                    "Data processing",
                    "Naam in het Engels",
                    "Name in English",
                    max_length=100,
                ),
                _ref(
                    "expected_department",
                    "departments",
                    "IT",
                    "Afdeling die volgens de huisregel verantwoordelijk is (leeg: geen regel)",
                    "Department accountable under the house rule (empty: no rule)",
                    required=False,
                ),
            ),
            ("code",),
            "Verantwoordelijkheidsgebieden",
            "Responsibility areas",
        ),
        Kind(
            "projects",
            "project",
            (
                _code("code", "P-001", "Unieke projectcode", "Unique project code"),
                Column(
                    "name", TEXT, True, "Klantdataplatform", "Projectnaam", "Project name", max_length=200
                ),
                Column(
                    "goal",
                    TEXT,
                    False,
                    "Eén klantbeeld voor alle kanalen",
                    "Doel van het project",
                    "Project goal",
                ),
                Column(
                    "status",
                    CHOICE,
                    True,
                    "active",
                    "Status: " + ", ".join(PROJECT_STATUSES),
                    "Status: " + ", ".join(PROJECT_STATUSES),
                    choices=PROJECT_STATUSES,
                ),
                Column(
                    "planned_start", DATE, True, "2026-01-01", "Geplande startdatum", "Planned start date"
                ),
                Column(
                    "planned_end",
                    DATE,
                    True,
                    "2026-12-31",
                    "Geplande einddatum (niet voor de start)",
                    "Planned end date (not before the start)",
                ),
                Column("actual_end", DATE, False, "", "Werkelijke einddatum", "Actual end date"),
                Column(
                    "rag",
                    CHOICE,
                    False,
                    "green",
                    "RAG-status: " + ", ".join(RAG_VALUES),
                    "RAG status: " + ", ".join(RAG_VALUES),
                    choices=RAG_VALUES,
                ),
                Column(
                    "rag_reason",
                    TEXT,
                    False,
                    "Op schema",
                    "Toelichting bij de RAG-status",
                    "Reason for the RAG status",
                ),
            ),
            ("code",),
            "Projecten",
            "Projects",
        ),
        Kind(
            "funding",
            "funding",
            (
                PROJECT,
                _ref("department", "departments", "MKT", "Financierende afdeling", "Funding department"),
                _amount(
                    "committed_amount",
                    True,
                    "1200000",
                    "Toegezegd bedrag in euro",
                    "Committed amount in euros",
                    minimum=0,
                ),
                Column(
                    "agreed_share",
                    DECIMAL,
                    False,
                    "0.5",
                    "Afgesproken aandeel 0–1 (leeg: gelijke verdeling)",
                    "Agreed share 0–1 (empty: equal split)",
                    minimum=0,
                    maximum=1,
                    decimals=4,
                ),
            ),
            ("project", "department"),
            "Financiering",
            "Funding",
        ),
        Kind(
            "ownership",
            "ownership",
            (
                PROJECT,
                _ref(
                    "area",
                    "responsibility_areas",
                    "data_processing",
                    "Verantwoordelijkheidsgebied",
                    "Responsibility area",
                ),
                _ref(
                    "department", "departments", "IT", "Verantwoordelijke afdeling", "Accountable department"
                ),
            ),
            ("project", "area", "department"),
            "Eigenaarschap",
            "Ownership",
            replaces="ownership",
        ),
        Kind(
            "team",
            "team_member",
            (
                PROJECT,
                Column(
                    "person_ref",
                    CODE,
                    True,
                    "E-12705",
                    "Pseudoniem van de medewerker",
                    "Pseudonymous person id",
                    max_length=40,
                ),
                _ref("department", "departments", "IT", "Thuisafdeling", "Home department"),
                Column(
                    "fte",
                    DECIMAL,
                    True,
                    "0.8",
                    "Inzet in fte (meer dan 0, hoogstens 1,5)",
                    "FTE (above 0, at most 1.5)",
                    minimum=0,
                    maximum=1.5,
                    exclusive_min=True,
                    decimals=2,
                ),
                Column("start_month", MONTH, True, "2026-01", "Eerste maand", "First month"),
                Column(
                    "end_month",
                    MONTH,
                    False,
                    "2026-12",
                    "Laatste maand (leeg: lopend)",
                    "Last month (empty: ongoing)",
                ),
            ),
            ("project", "person_ref", "start_month"),
            "Teamleden",
            "Team membership",
        ),
        Kind(
            "insight_goals",
            "insight_goal",
            (
                PROJECT,
                _code("code", "G1", "Code van het doel binnen het project", "Goal code within the project"),
                Column("goal", TEXT, True, "Eén klantprofiel", "Klantinzichtdoel", "Customer-insight goal"),
                Column(
                    "measure",
                    TEXT,
                    True,
                    "Klantprofielen gekoppeld (%)",
                    "Maatstaf",
                    "Measure",
                    max_length=200,
                ),
                _amount("target_value", True, "85", "Streefwaarde", "Target value"),
                Column("target_date", DATE, True, "2026-06-30", "Streefdatum", "Target date"),
                _amount("achieved_value", False, "", "Behaalde waarde", "Achieved value"),
                Column("achieved_date", DATE, False, "", "Datum behaald", "Date achieved"),
            ),
            ("project", "code"),
            "Inzichtdoelen",
            "Insight goals",
        ),
        Kind(
            "budget_plan",
            "budget_line",
            (
                PROJECT,
                Column("month", MONTH, True, "2026-10", "Maand", "Month"),
                _ref("department", "departments", "MKT", "Financierende afdeling", "Funding department"),
                _ref("category", "cost_categories", "personnel", "Kostensoort", "Cost category"),
                _amount("planned", True, "25000.00", "Begroot bedrag in euro", "Planned amount in euros"),
            ),
            ("project", "month", "department", "category"),
            "Begroting (plan)",
            "Budget (plan)",
            replaces="plan",
        ),
        Kind(
            "budget_actuals",
            "budget_line",
            (
                PROJECT,
                Column("month", MONTH, True, "2026-10", "Maand", "Month"),
                _ref("department", "departments", "MKT", "Financierende afdeling", "Funding department"),
                _ref("category", "cost_categories", "personnel", "Kostensoort", "Cost category"),
                _amount(
                    "actual",
                    True,
                    "-120.50",
                    "Werkelijk bedrag in euro (negatief: correctie)",
                    "Actual amount in euros (negative: correction)",
                ),
            ),
            ("project", "month", "department", "category"),
            "Realisatie (actuals)",
            "Actuals",
            replaces="actuals",
        ),
        Kind(
            "progress",
            "progress",
            (
                PROJECT,
                Column("month", MONTH, True, "2026-10", "Maand", "Month"),
                Column(
                    "pct_complete",
                    DECIMAL,
                    True,
                    "45.5",
                    "Voortgang in procent (0–100)",
                    "Percent complete (0–100)",
                    minimum=0,
                    maximum=100,
                    decimals=2,
                ),
            ),
            ("project", "month"),
            "Voortgang",
            "Progress",
        ),
        Kind(
            "survey_waves",
            "survey_wave",
            (
                _code("code", "W2026-1", "Unieke code van de ronde", "Unique wave code"),
                Column("name", TEXT, True, "Voorjaar 2026", "Naam van de ronde", "Wave name", max_length=100),
                Column("fielded_on", DATE, True, "2026-03-15", "Datum van afname", "Date fielded"),
            ),
            ("code",),
            "Enquêterondes",
            "Survey waves",
        ),
        Kind(
            "survey_invitations",
            "survey_invitation",
            (
                WAVE,
                DEPARTMENT,
                Column(
                    "invited_count",
                    INTEGER,
                    True,
                    "44",
                    "Aantal uitgenodigden",
                    "Number invited",
                    minimum=0,
                    maximum=1_000_000,
                ),
            ),
            ("wave", "department"),
            "Uitnodigingen",
            "Survey invitations",
        ),
        Kind(
            "survey_dimensions",
            "survey_dimensions",
            (
                _code("code", "ability", "Unieke code van de dimensie", "Unique dimension code"),
                Column(
                    "name_nl",
                    TEXT,
                    True,
                    "Bekwaamheid",
                    "Naam in het Nederlands",
                    "Name in Dutch",
                    max_length=100,
                ),
                Column(
                    "name_en", TEXT, True, "Ability", "Naam in het Engels", "Name in English", max_length=100
                ),
                Column(
                    "sort_order",
                    INTEGER,
                    True,
                    "1",
                    "Plaats in lijsten en grafieken (laag eerst)",
                    "Place in lists and charts (low first)",
                    minimum=0,
                    maximum=1_000,
                ),
            ),
            ("code",),
            "Enquêtedimensies",
            "Survey dimensions",
            replaces="instrument",
        ),
        Kind(
            "survey_items",
            "survey_item",
            (
                _code("code", "ABI-MKT-1", "Unieke code van de vraag", "Unique item code"),
                Column(
                    "text_nl",
                    TEXT,
                    True,
                    "IT begrijpt wat wij nodig hebben.",
                    "Vraagtekst in het Nederlands",
                    "Item text in Dutch",
                ),
                Column(
                    "text_en",
                    TEXT,
                    True,
                    "IT understands what we need.",
                    "Vraagtekst in het Engels",
                    "Item text in English",
                ),
                _ref(
                    "dimension",
                    "survey_dimensions",
                    "ability",
                    "Code van de dimensie (zie Enquêtedimensies)",
                    "Dimension code (see Survey dimensions)",
                    stores_code=True,
                ),
                _ref(
                    "rated_department",
                    "departments",
                    "IT",
                    "Afdeling waarover de vraag gaat",
                    "Department the item rates",
                ),
                Column(
                    "reverse_coded",
                    BOOLEAN,
                    False,
                    "false",
                    "Omgekeerd gescoord (true/false, ja/nee)",
                    "Reverse coded (true/false, yes/no)",
                ),
            ),
            ("code",),
            "Enquêtevragen",
            "Survey items",
        ),
        Kind(
            "survey_responses",
            "survey_response",
            (
                WAVE,
                Column(
                    "respondent_ref",
                    CODE,
                    True,
                    "R-0001",
                    "Pseudoniem van de respondent",
                    "Pseudonymous respondent id",
                    max_length=40,
                ),
                _ref(
                    "department",
                    "departments",
                    "MKT",
                    "Afdeling van de respondent",
                    "Respondent's department",
                ),
                _ref("item", "survey_items", "ABI-MKT-1", "Code van de vraag", "Item code"),
                Column("score", INTEGER, True, "4", "Score 1–5", "Score 1–5", minimum=1, maximum=5),
            ),
            ("wave", "respondent_ref", "item"),
            "Enquêteantwoorden",
            "Survey responses",
            replaces="wave",
        ),
        Kind(
            "survey_comments",
            "survey_comment",
            (
                WAVE,
                Column(
                    "respondent_ref",
                    CODE,
                    True,
                    "R-0001",
                    "Pseudoniem van de respondent",
                    "Pseudonymous respondent id",
                    max_length=40,
                ),
                _ref(
                    "department",
                    "departments",
                    "MKT",
                    "Afdeling van de respondent",
                    "Respondent's department",
                ),
                _ref(
                    "dimension",
                    "survey_dimensions",
                    "communication",
                    "Code van de dimensie (leeg: algemeen)",
                    "Dimension code (empty: general)",
                    required=False,
                    stores_code=True,
                ),
                Column("text", TEXT, True, "We horen weken niets.", "Opmerking", "Comment"),
            ),
            ("wave", "respondent_ref", "dimension"),
            "Enquêteopmerkingen",
            "Survey comments",
            replaces="wave",
        ),
    )
}

# Dependency order: a workbook's sheets are validated and written in this order, so a
# reference may point to a row of an earlier sheet of the same file.
KIND_ORDER: tuple[str, ...] = tuple(KINDS)


def kind_for(name: str) -> Kind:
    """The kind called `name`; KeyError with the known names otherwise."""
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"unknown kind {name!r}; choose one of {', '.join(KINDS)}") from None
