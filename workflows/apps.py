from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "审批流程"

    def ready(self):
        from governance.events import demand_needs_province
        from governance.extensions import channel_sections, subject_sections

        from . import start_views
        from .kinds import (  # noqa: F401  (importing a kind registers it)
            certification, change, commission_policy, demand, exit, onboarding, steps, suspension,
        )

        channel_sections.register(start_views.subject_section)
        subject_sections.register(start_views.subject_section)
        demand_needs_province.connect(demand.start_allocation, dispatch_uid="workflows.demand_allocation")
