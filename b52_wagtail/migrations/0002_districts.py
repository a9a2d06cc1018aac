"""The 44 Stadt- und Landkreise of Baden-Württemberg.

Since the Landesgesundheitsgesetz (LGG) of 17 December 2015, in force on
1 January 2016, every district must have a Kommunale Gesundheitskonferenz,
so all are marked as having one since then at the latest; editors can
correct the date per district.
"""

import datetime

from django.db import migrations

LGG_IN_FORCE = datetime.date(2016, 1, 1)

DISTRICTS = {
    "stuttgart": [
        ("08111", "Stuttgart", "SK"), ("08115", "Böblingen", "LK"), ("08116", "Esslingen", "LK"),
        ("08117", "Göppingen", "LK"), ("08118", "Ludwigsburg", "LK"), ("08119", "Rems-Murr-Kreis", "LK"),
        ("08121", "Heilbronn", "SK"), ("08125", "Heilbronn", "LK"), ("08126", "Hohenlohekreis", "LK"),
        ("08127", "Schwäbisch Hall", "LK"), ("08128", "Main-Tauber-Kreis", "LK"),
        ("08135", "Heidenheim", "LK"), ("08136", "Ostalbkreis", "LK"),
    ],
    "karlsruhe": [
        ("08211", "Baden-Baden", "SK"), ("08212", "Karlsruhe", "SK"), ("08215", "Karlsruhe", "LK"),
        ("08216", "Rastatt", "LK"), ("08221", "Heidelberg", "SK"), ("08222", "Mannheim", "SK"),
        ("08225", "Neckar-Odenwald-Kreis", "LK"), ("08226", "Rhein-Neckar-Kreis", "LK"),
        ("08231", "Pforzheim", "SK"), ("08235", "Calw", "LK"), ("08236", "Enzkreis", "LK"),
        ("08237", "Freudenstadt", "LK"),
    ],
    "freiburg": [
        ("08311", "Freiburg im Breisgau", "SK"), ("08315", "Breisgau-Hochschwarzwald", "LK"),
        ("08316", "Emmendingen", "LK"), ("08317", "Ortenaukreis", "LK"), ("08325", "Rottweil", "LK"),
        ("08326", "Schwarzwald-Baar-Kreis", "LK"), ("08327", "Tuttlingen", "LK"),
        ("08335", "Konstanz", "LK"), ("08336", "Lörrach", "LK"), ("08337", "Waldshut", "LK"),
    ],
    "tuebingen": [
        ("08415", "Reutlingen", "LK"), ("08416", "Tübingen", "LK"), ("08417", "Zollernalbkreis", "LK"),
        ("08421", "Ulm", "SK"), ("08425", "Alb-Donau-Kreis", "LK"), ("08426", "Biberach", "LK"),
        ("08435", "Bodenseekreis", "LK"), ("08436", "Ravensburg", "LK"), ("08437", "Sigmaringen", "LK"),
    ],
}


def create_districts(apps, schema_editor):
    District = apps.get_model("b52_wagtail", "District")
    Locale = apps.get_model("wagtailcore", "Locale")
    locale = Locale.objects.order_by("pk").first()
    if locale is None:
        from django.conf import settings

        locale = Locale.objects.create(language_code=settings.LANGUAGE_CODE)
    import uuid

    for region, rows in DISTRICTS.items():
        for key, name, kind in rows:
            District.objects.update_or_create(
                key=key,
                locale=locale,
                defaults={
                    "name": name,
                    "kind": kind,
                    "region": region,
                    "has_kgk": True,
                    "kgk_since": LGG_IN_FORCE,
                    "translation_key": uuid.uuid5(uuid.NAMESPACE_URL, f"b52:district:{key}"),
                },
            )


def remove_districts(apps, schema_editor):
    District = apps.get_model("b52_wagtail", "District")
    keys = [key for rows in DISTRICTS.values() for key, _, _ in rows]
    District.objects.filter(key__in=keys).delete()


class Migration(migrations.Migration):
    dependencies = [("b52_wagtail", "0001_initial")]

    operations = [migrations.RunPython(create_districts, remove_districts)]
