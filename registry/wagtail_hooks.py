from wagtail import hooks
from wagtail.admin.menu import MenuItem


@hooks.register("register_admin_menu_item")
def back_office_link():
    return MenuItem("Back office", "/staff/", icon_name="cog", order=10000)
