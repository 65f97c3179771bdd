from django.core.management.base import BaseCommand

from cms.demo.catalogue import ACCOUNTS, PASSWORD
from cms.demo.loader import DemoLoader
from cms.demo.selection import committee_accounts


class Command(BaseCommand):
    help = "Load the demo catalogue, textbooks and one account per role. Safe to run again."

    def handle(self, *args, **options):
        self.stdout.write("载入演示数据 / loading demo data …")
        DemoLoader(stdout=self.stdout).run()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / demo data ready"))
        self.stdout.write(
            f"\n演示账号（密码均为 {PASSWORD}）/ demo accounts (password {PASSWORD}):"
        )
        for username, (last, first), role, _institution in ACCOUNTS:
            self.stdout.write(f"  {username:<18} {last}{first:<6} {role or '超级管理员 superuser'}")
        self.stdout.write("  选用委员会委员 / selection committee members:")
        for username, name, school in committee_accounts():
            self.stdout.write(f"  {username:<18} {name:<8} {school}")
