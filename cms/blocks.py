"""StreamField blocks shared by the public pages."""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class CaptionedImageBlock(blocks.StructBlock):
    """Wagtail's ImageBlock asks for alt text (or an explicit "decorative"); a caption is optional."""

    image = ImageBlock()
    caption = blocks.CharBlock(required=False)

    class Meta:
        icon = "image"
        template = "cms/blocks/captioned_image.html"


class CallToActionBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=60)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, help_text="Used when no page is chosen.")

    class Meta:
        icon = "link"
        template = "cms/blocks/call_to_action.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise ValidationError("Choose a page or enter a link.")
        return value


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", icon="title", template="cms/blocks/heading.html")
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h3", "h4", "document-link"])
    image = CaptionedImageBlock()
    quote = blocks.BlockQuoteBlock()
    call_to_action = CallToActionBlock()


class NavLinkBlock(blocks.StructBlock):
    """A link in the header or footer navigation: a page of the site or any address."""

    label = blocks.CharBlock(max_length=40)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.CharBlock(required=False, max_length=255, help_text="A path like /speakers/ or a full address.")

    class Meta:
        icon = "link"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise ValidationError("Choose a page or enter a link.")
        return value


class LinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=40, help_text="e.g. Website, LinkedIn, GitHub")
    url = blocks.URLBlock()

    class Meta:
        icon = "link"
