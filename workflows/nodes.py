"""A human step that is its own exclusive gateway: Viewflow's View whose next node is chosen like a Switch's.

The approval loop decided after every step in a separate Switch node, one more task row, its link and a
savepoint per approval; here the step's completion picks the next node itself (issue 10, fewer queries).
"""
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.base import Edge
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes.view import ViewActivation


class DecisionViewActivation(ViewActivation):
    @Activation.status.super()
    def create_next(self):
        for node, condition in self.flow_task._branches:
            if condition is None or condition(self):
                yield node._create(self, self.task.token)
                return
        raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class DecisionView(flow.View):
    """`.Case(node, condition)` in order, then `.Default(node)`, instead of `.Next(node)`."""

    activation_class = DecisionViewActivation

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._branches = []

    def Case(self, node, condition=None):
        self._branches.append((node, condition))
        return self

    def Default(self, node):
        return self.Case(node)

    def _resolve(self, instance):
        super()._resolve(instance)
        self._branches = [(this.resolve(instance, node), this.resolve(instance, condition))
                          for node, condition in self._branches]

    def _outgoing(self):
        for node, condition in self._branches:
            yield Edge(src=self, dst=node, edge_class="cond_true" if condition else "default")
