from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import FocalPoint, OrganisationContact


class AreaNumbersField(serializers.ListField):
    child = serializers.IntegerField()

    def to_representation(self, manager):
        return [area.number for area in manager.all()]


class FocalPointSerializer(serializers.ModelSerializer):
    state = serializers.CharField(source="state.code", read_only=True)
    areas = AreaNumbersField(read_only=True)
    languages = serializers.SerializerMethodField()
    # Plain strings: a choice field here would collide with other apps' "role" enums in the schema.
    role = serializers.CharField(read_only=True, help_text="primary or deputy")

    class Meta:
        model = FocalPoint
        fields = [
            "id",
            "state",
            "areas",
            "name",
            "name_other_script",
            "email",
            "organisation",
            "position",
            "role",
            "languages",
            "phone",
            "term_start",
            "term_end",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_languages(self, entry) -> list[str]:
        return entry.language_codes


class FocalPointDetailSerializer(FocalPointSerializer):
    status = serializers.CharField(read_only=True, help_text="active or changes_to_verify")

    class Meta(FocalPointSerializer.Meta):
        fields = [*FocalPointSerializer.Meta.fields, "address", "status"]
        read_only_fields = fields


class OrganisationContactSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)
    areas = AreaNumbersField(read_only=True)

    class Meta:
        model = OrganisationContact
        fields = ["id", "organisation", "name", "position", "email", "phone", "areas"]
        read_only_fields = fields
