"""The registry of process kinds (流程类型) and step kinds (环节类型).

A kind is described once, in its own module, and registers itself when that module is imported:
the built-in channel kinds from `WorkflowsConfig.ready`, other apps' kinds from their own `ready`.
This module imports nothing of the project, so models can take their choices from it.
"""
KINDS: dict = {}
STEP_KINDS: dict = {}


def register_kind(kind):
    """Add a process kind (an instance of `workflows.kinds.base.ProcessKind`); its code must be new."""
    if kind.code in KINDS and KINDS[kind.code] is not kind:
        raise ValueError(f"process kind {kind.code!r} is registered twice")
    KINDS[kind.code] = kind
    for step in kind.steps:
        register_step(step)
    return kind


def unregister_kind(code: str) -> None:
    """For tests that register a kind of their own."""
    KINDS.pop(code, None)


def register_step(step):
    if step.code in STEP_KINDS and STEP_KINDS[step.code] is not step:
        raise ValueError(f"step kind {step.code!r} is registered twice")
    STEP_KINDS[step.code] = step
    return step


def kind_for(code: str):
    """The registered kind, or LookupError."""
    try:
        return KINDS[code]
    except (KeyError, TypeError):
        raise LookupError(code)


def step_for(code: str):
    return STEP_KINDS[code]


def kind_choices() -> list[tuple[str, str]]:
    return [(code, kind.label) for code, kind in KINDS.items()]


def step_choices() -> list[tuple[str, str]]:
    return [(code, step.label) for code, step in STEP_KINDS.items()]


def condition_choices() -> list[tuple[str, str]]:
    seen = {}
    for kind in KINDS.values():
        for name, condition in kind.conditions.items():
            seen.setdefault(name, condition.label)
    return sorted(seen.items())


class _KindChoices:
    """The registered kinds as a choices list, read when iterated (the API schema names its enum by it)."""

    def __iter__(self):
        return iter(kind_choices())

    def __len__(self):
        return len(KINDS)


KIND_CHOICES = _KindChoices()
