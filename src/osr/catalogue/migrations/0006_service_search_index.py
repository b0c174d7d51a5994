from django.db import migrations

from osr.catalogue import search_index


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0005_service_contacts_confirmed_on")]

    operations = [migrations.RunPython(search_index.create, search_index.drop)]
