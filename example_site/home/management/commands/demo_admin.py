from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from b52_wagtail import demo_loader

USERNAME = "admin"
PASSWORD = "b52-demo-admin"  # noqa: S105  (demo only, refused unless DEBUG)
# The demo jurors b52_demo creates (demo_data/applications/closed-call.json).
JUROR_PASSWORD = "b52-demo-jury"  # noqa: S105  (demo only, refused unless DEBUG)


def demo_juror_usernames():
    return [
        juror["username"]
        for juror in demo_loader.load("applications/closed-call")["jury"]["jurors"]
    ]


class Command(BaseCommand):
    help = "Create the demo's admin user and print its credentials (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_admin only runs with DEBUG = True.")
        User = get_user_model()
        user, _ = User.objects.get_or_create(
            username=USERNAME, defaults={"email": "admin@example.invalid"}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(PASSWORD)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo admin: http://127.0.0.1:8000/admin/ user “{USERNAME}”, password “{PASSWORD}”"
            )
        )
        for juror in User.objects.filter(username__in=demo_juror_usernames()).order_by("username"):
            juror.set_password(JUROR_PASSWORD)
            juror.save(update_fields=["password"])
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo juror: user “{juror.username}”, password “{JUROR_PASSWORD}”"
                )
            )
