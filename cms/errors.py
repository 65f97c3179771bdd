"""The project's error views (handler400/403/404/500 in cms/urls.py).

Under /api/v1/ every error is JSON in the API's one shape ({"error": {"status", "message",
"details"?}}, see cms/api/openapi.py), whichever layer raised it: a view, a middleware, or
Django itself. Elsewhere they are the site's pages (a retired textbook's old addresses answer
410 Gone with its own page instead of 404: cms.site.retired.RetiredTextbookMiddleware); a 400 says what was wrong with the request
when the exception carries a message meant for the user (django.core.exceptions.BadRequest,
which cms.input.InvalidParameter and the page editor's form raise).
"""

from django.core.exceptions import BadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from cms.api.views import error_response
from cms.input import InvalidParameter


def is_api(request):
    return request.path.startswith(reverse("api:index"))


@requires_csrf_token
def bad_request(request, exception):
    # SuspiciousOperation (a forged host, too many fields) also lands here: its text is for
    # the security log, not for the client.
    message = str(exception) if isinstance(exception, BadRequest) and str(exception) else ""
    if is_api(request):
        details = (
            {exception.name: exception.message} if isinstance(exception, InvalidParameter) else None
        )
        return error_response(400, message or _("请求有误。"), details)
    return render(request, "400.html", {"message": message}, status=400)


def permission_denied(request, exception):
    if is_api(request):
        return error_response(403, _("没有权限访问该资源。"))
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api(request):
        return error_response(404, _("未找到该资源。"))
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return error_response(500, _("服务器出错，请稍后再试。"))
    return defaults.server_error(request)
