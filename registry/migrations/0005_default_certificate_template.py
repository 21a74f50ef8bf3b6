"""Install the built-in certificate design (A4 landscape, DejaVu fonts) as the default template."""

from django.db import migrations


def install_default(apps, schema_editor):
    from registry.certificates import default_template_source

    CertificateTemplate = apps.get_model("registry", "CertificateTemplate")
    if CertificateTemplate.objects.filter(is_default=True).exists():
        return
    html, css = default_template_source()
    CertificateTemplate.objects.update_or_create(
        name="Classic (A4 landscape)", defaults={"html": html, "css": css, "is_default": True}
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_backoffice")]

    operations = [migrations.RunPython(install_default, migrations.RunPython.noop)]
