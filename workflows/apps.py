from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "审批流程"

    def ready(self):
        from governance.extensions import channel_sections

        from . import start_views
        from .kinds import change, exit, onboarding, steps  # noqa: F401  (importing a kind registers it)

        channel_sections.register(start_views.channel_section)
