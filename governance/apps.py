from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "组织与渠道"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
