"""Certificates: a holder lists and downloads theirs; anyone verifies a code."""

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from .. import certificates
from ..models import Certificate
from .common import SecondFactorIfStaff


class CertificateSerializer(serializers.ModelSerializer):
    credit_category = serializers.CharField(source="credit_category.name", allow_null=True, default=None)
    is_valid = serializers.BooleanField()
    has_pdf = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "code",
            "holder_name",
            "event_title",
            "event_starts_at",
            "event_ends_at",
            "credit_points",
            "credit_category",
            "issuer",
            "issued_at",
            "is_valid",
            "revoked_at",
            "revoked_reason",
            "sha256",
            "has_pdf",
        ]
        read_only_fields = fields

    def get_has_pdf(self, certificate: Certificate) -> bool:
        return bool(certificate.pdf)


class VerificationSerializer(CertificateSerializer):
    class Meta(CertificateSerializer.Meta):
        fields = [f for f in CertificateSerializer.Meta.fields if f != "has_pdf"]
        read_only_fields = fields


CERTIFICATE = {
    "code": "Q7HK2M9XPA4T",
    "holder_name": "Sam Kumar",
    "event_title": "Hack Night",
    "event_starts_at": "2027-01-15T18:00:00+05:30",
    "event_ends_at": "2027-01-15T21:00:00+05:30",
    "credit_points": 5,
    "credit_category": "Technical skills",
    "issuer": "Coding Club",
    "issued_at": "2027-01-16T09:00:00+05:30",
    "is_valid": True,
    "revoked_at": None,
    "revoked_reason": "",
    "sha256": "9f2c4d1e7a3b5c8d0e6f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d",
    "has_pdf": True,
}
VERIFIED = {field: value for field, value in CERTIFICATE.items() if field != "has_pdf"}
REVOKED = {
    **VERIFIED,
    "is_valid": False,
    "revoked_at": "2027-02-01T11:30:00+05:30",
    "revoked_reason": "Issued in error: attendance was below the event's threshold.",
}


@extend_schema_view(
    get=extend_schema(
        summary="My certificates, most recent event first",
        examples=[OpenApiExample("One certificate", value=CERTIFICATE)],
        tags=["certificates"],
    )
)
class MyCertificates(generics.ListAPIView):
    permission_classes = [IsAuthenticated, SecondFactorIfStaff]
    serializer_class = CertificateSerializer

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Certificate.objects.none()
        return certificates.certificates_of(self.request.user).select_related("credit_category")


class CertificateDownload(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SecondFactorIfStaff]
    serializer_class = CertificateSerializer

    @extend_schema(
        summary="Download one of my valid certificates as PDF",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The certificate PDF, as an attachment named `certificate-<code>.pdf`.",
                examples=[OpenApiExample("A PDF file", value="%PDF-1.7 …", summary="certificate-Q7HK2M9XPA4T.pdf")],
            )
        },
        tags=["certificates"],
    )
    def get(self, request: Request, code: str) -> FileResponse:
        mine = certificates.certificates_of(request.user)
        certificate = get_object_or_404(mine, code=code.strip().upper(), revoked_at__isnull=True)
        if not certificate.pdf:
            raise Http404("This certificate's PDF is not ready yet.")
        return FileResponse(
            certificate.pdf.open("rb"),
            as_attachment=True,
            filename=f"certificate-{certificate.code}.pdf",
            content_type="application/pdf",
        )


class CertificateVerify(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = VerificationSerializer
    throttle_scope = "verify"

    @extend_schema(
        summary="Verify a certificate by its code (public)",
        description="What was issued under this code and whether it still stands (`is_valid`, `revoked_at`).",
        examples=[
            OpenApiExample("Valid", value=VERIFIED),
            OpenApiExample("Revoked", value=REVOKED),
        ],
        tags=["certificates"],
    )
    def get(self, request: Request, code: str) -> Response:
        certificate = certificates.certificate_for_verification(code)
        if certificate is None:
            raise Http404("No certificate has this code.")
        return Response(self.get_serializer(certificate).data)
