"""The cooperation, its member organisations and its Kooperationsfelder:
the cooperation page (:mod:`.index`), the field pages and their parts
(:mod:`.field`) and the district overview routes both offer
(:mod:`.overview`). Shared helpers are in :mod:`.common`.

The field page shows the latest news of its programmes through the core's
news-source registry (``b52_wagtail.content``); this app never imports the
press app, so a host without it still works.
"""

from .common import json_ld, rows
from .field import (
    AbstractCooperationFieldContact,
    AbstractCooperationFieldPage,
    AbstractCooperationFieldProgramme,
    AbstractCooperationFundingPhase,
    AbstractCooperationRelatedPage,
    AbstractCooperationResponsibility,
    CooperationFieldContact,
    CooperationFieldPage,
    CooperationFieldProgramme,
    CooperationFundingPhase,
    CooperationRelatedPage,
    CooperationResponsibility,
    DistrictOverview,
    FundingPhaseStatus,
    district_keys,
    field_page_models,
)
from .index import MEMBER_GROUPS, AbstractCooperationIndexPage, CooperationIndexPage
from .overview import DISTRICT_KEY, DistrictOverviewMixin

__all__ = [
    "DISTRICT_KEY",
    "MEMBER_GROUPS",
    "AbstractCooperationFieldContact",
    "AbstractCooperationFieldPage",
    "AbstractCooperationFieldProgramme",
    "AbstractCooperationFundingPhase",
    "AbstractCooperationIndexPage",
    "AbstractCooperationRelatedPage",
    "AbstractCooperationResponsibility",
    "CooperationFieldContact",
    "CooperationFieldPage",
    "CooperationFieldProgramme",
    "CooperationFundingPhase",
    "CooperationIndexPage",
    "CooperationRelatedPage",
    "CooperationResponsibility",
    "DistrictOverview",
    "DistrictOverviewMixin",
    "FundingPhaseStatus",
    "district_keys",
    "field_page_models",
    "json_ld",
    "rows",
]
