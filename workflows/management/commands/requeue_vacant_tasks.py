from django.core.management.base import BaseCommand

from workflows.services import tasks_requeue_vacant


class Command(BaseCommand):
    help = "把等待空缺岗位的待办转到最近的有人任职的上级单位。"

    def handle(self, *args, **options):
        self.stdout.write(f"已转派 {tasks_requeue_vacant()} 个待办。")
