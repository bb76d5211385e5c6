"""Models of the approval engine: route data, the process record, its trail and copies."""
from .process import (ENDED, OPEN_STATES, TRANSITIONS, ApprovalProcess, CopyNotice, Decision, IllegalTransition,
                      ProcessEvent, State)
from .opinion import MAX_OPINIONS, StockOpinion
from .routes import Filing, Route, RouteStep

__all__ = [
    "ENDED", "OPEN_STATES", "TRANSITIONS", "ApprovalProcess", "CopyNotice", "Decision", "IllegalTransition",
    "ProcessEvent", "State", "Filing", "Route", "RouteStep", "MAX_OPINIONS", "StockOpinion",
]
