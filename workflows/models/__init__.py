"""Models of the approval engine: route data, the process record, its trail and copies."""
from .process import (ENDED, OPEN_STATES, TRANSITIONS, ApprovalProcess, CopyNotice, Decision, IllegalTransition,
                      ProcessEvent, State)
from .routes import Filing, Route, RouteStep

__all__ = [
    "ENDED", "OPEN_STATES", "TRANSITIONS", "ApprovalProcess", "CopyNotice", "Decision", "IllegalTransition",
    "ProcessEvent", "State", "Filing", "Route", "RouteStep",
]
