from django.apps import AppConfig


class CommissionConfig(AppConfig):
    name = "commission"
    verbose_name = "酬金"
