from django.core.files.storage import default_storage, storages
from django.db import migrations, models

import registry.models


def move_issued_pdfs(apps, schema_editor):
    """PDFs issued before this migration move from the public media folder to the private storage."""
    private = storages["certificates"]
    for name in apps.get_model("registry", "Certificate").objects.exclude(pdf="").values_list("pdf", flat=True):
        if default_storage.exists(name) and not private.exists(name):
            with default_storage.open(name, "rb") as handle:
                private.save(name, handle)
            default_storage.delete(name)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_see_all_organizations_permission"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="pdf",
            field=models.FileField(
                blank=True, storage=registry.models.certificate_storage, upload_to="certificates/%Y/%m/"
            ),
        ),
        migrations.RunPython(move_issued_pdfs, migrations.RunPython.noop),
    ]
