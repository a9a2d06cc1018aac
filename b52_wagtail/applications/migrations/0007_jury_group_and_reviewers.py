"""The "B 52 Jury" group (admin access and the review permission only) and
the users of each form page's reviewer groups as jurors of its call."""

from django.conf import settings
from django.db import migrations

JURY_GROUP = getattr(settings, "B52_JURY_GROUP", "B 52 Jury")


def create_group_and_jurors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Jury = apps.get_model("b52_applications", "Jury")
    Juror = apps.get_model("b52_applications", "Juror")
    FormPage = apps.get_model("b52_applications", "ApplicationFormPage")
    User = apps.get_model(settings.AUTH_USER_MODEL)

    jury_type, _ = ContentType.objects.get_or_create(app_label="b52_applications", model="jury")
    review, _ = Permission.objects.get_or_create(
        content_type=jury_type,
        codename="review_applications",
        defaults={"name": "Can review the applications forwarded to their jury"},
    )
    group, _ = Group.objects.get_or_create(name=JURY_GROUP)
    group.permissions.add(
        review,
        *Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"),
    )

    for page in FormPage.objects.exclude(call=None).prefetch_related("reviewer_groups"):
        groups = list(page.reviewer_groups.all())
        if not groups:
            continue
        jury, _ = Jury.objects.get_or_create(call_id=page.call_id)
        users = User.objects.filter(groups__in=groups).distinct().order_by("pk")
        order = Juror.objects.filter(jury=jury).count()
        for user in users:
            _, created = Juror.objects.get_or_create(
                jury=jury, user=user, defaults={"sort_order": order}
            )
            order += created
            user.groups.add(group)


class Migration(migrations.Migration):
    dependencies = [
        ("b52_applications", "0006_jury_reviews"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group_and_jurors, migrations.RunPython.noop)]
