"""Pure survey domain: question types, definitions, validation, logic, scoring and statistics.

This package never imports Flask, the database or ``app``. It takes and returns plain
dataclasses, dicts, lists and bytes; docs/surveys-domain.md describes the definition schema,
the answer forms and the logic syntax.

Typical use by the app::

    survey = surveys.loads(row.definition_json)            # or load_template("new_member")
    problems = surveys.validate_definition(survey)          # before publishing
    result = surveys.validate_page(survey, answers, "p2")   # member leaves page p2
    result = surveys.validate_answers(survey, answers)      # at submit
    store(result.answers); texts = surveys.extract_free_texts(survey, result.answers)
    stats = surveys.compute_statistics(survey, responses)   # SurveyResponse objects
    table = surveys.cross_tab(survey, responses, "nps", by=surveys.BY_CHANNEL)
    data = surveys.export_xlsx(survey, responses)
    result = surveys.import_responses(survey, upload_bytes, "wjx.xlsx", mapping)
"""

from surveys.answer_validation import (
    HIDDEN_DROP,
    HIDDEN_REJECT,
    ValidationResult,
    validate_answers,
    validate_page,
)
from surveys.conditions import AllOf, AnyOf, Compare, Condition, Not, condition_from_dict
from surveys.crosstab import BY_CHANNEL, CrossTabError, cross_tab
from surveys.definition import (
    END,
    SCHEMA_VERSION,
    Page,
    Question,
    SkipRule,
    Survey,
    SurveySettings,
    dumps,
    loads,
    make_question,
    survey_from_dict,
)
from surveys.definition_checks import validate_definition
from surveys.export import (
    ExportColumn,
    ExportTable,
    export_columns,
    export_csv,
    export_table,
    export_xlsx,
)
from surveys.form_input import answers_from_form
from surveys.free_text import extract_free_texts, without_free_texts
from surveys.importing import (
    ColumnTarget,
    ImportProblem,
    ImportResult,
    MappingSuggestion,
    import_responses,
    import_sheet,
    mapping_from_suggestions,
    suggest_mapping,
)
from surveys.logic import describe, evaluate
from surveys.options import Option, ScalePoint, options_from_labels
from surveys.path import Path, compute_path, next_page_id
from surveys.problems import AnswerError, DefinitionError, DefinitionProblem
from surveys.question_types import QUESTION_TYPES, QuestionType, get_question_type
from surveys.randomisation import option_order, presentation_order
from surveys.responses import FreeText, SurveyResponse
from surveys.scoring import ces_score, csat_score, nps_score
from surveys.spreadsheet import Limits, Sheet, SheetError, defuse, read_sheet
from surveys.statistics import compute_statistics
from surveys.stats_results import SMALL_BASE, CrossTab, QuestionStats, SurveyStatistics
from surveys.templates import list_templates, load_template

__all__ = [
    "BY_CHANNEL", "END", "HIDDEN_DROP", "HIDDEN_REJECT", "QUESTION_TYPES", "SCHEMA_VERSION",
    "SMALL_BASE",
    "AllOf", "AnswerError", "AnyOf", "ColumnTarget", "Compare", "Condition", "CrossTab",
    "CrossTabError", "DefinitionError", "DefinitionProblem", "ExportColumn", "ExportTable",
    "FreeText", "ImportProblem", "ImportResult", "Limits", "MappingSuggestion", "Not", "Option",
    "Page", "Path", "Question", "QuestionStats", "QuestionType", "ScalePoint", "Sheet",
    "SheetError", "SkipRule", "Survey", "SurveyResponse", "SurveySettings", "SurveyStatistics",
    "ValidationResult",
    "answers_from_form", "ces_score", "compute_path", "compute_statistics",
    "condition_from_dict", "cross_tab",
    "csat_score", "defuse", "describe", "dumps", "evaluate", "export_columns", "export_csv",
    "export_table", "export_xlsx", "extract_free_texts", "without_free_texts", "get_question_type",
    "import_responses", "import_sheet", "list_templates", "load_template", "loads",
    "make_question", "mapping_from_suggestions", "next_page_id", "nps_score", "option_order",
    "options_from_labels", "presentation_order", "read_sheet", "suggest_mapping",
    "survey_from_dict", "validate_answers", "validate_definition", "validate_page",
]
