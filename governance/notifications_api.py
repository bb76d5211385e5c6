"""API of in-app notifications: the caller's own list (with the unread count) and marking one read."""
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import Pagination

from .models import Notification
from .notifications import notification_mark_read, notifications_of, unread_count


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "event", "title", "body", "link", "created", "read_at", "is_read"]


class NotificationPagination(Pagination):
    """The list's page plus `unread`: how many of the caller's notifications are unread (all pages)."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["unread"] = unread_count(user=self.request.user)
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["unread"] = {"type": "integer", "description": "未读通知数(全部页)"}
        return schema


class NotificationListView(generics.ListAPIView):
    serializer_class = NotificationSerializer
    pagination_class = NotificationPagination
    filter_backends = []

    @extend_schema(summary="我的站内通知", description="新的在前;unread 为未读总数。",
                   parameters=[OpenApiParameter("unread", bool, description="true:仅未读")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        unread = self.request.query_params.get("unread", "").lower() in ("true", "1")
        return notifications_of(user=self.request.user, unread=unread)


class NotificationReadView(APIView):
    @extend_schema(summary="标记通知为已读", request=None, responses={
        200: NotificationSerializer, 404: OpenApiResponse(description="通知不存在或不属于调用者。")})
    def post(self, request, pk):
        return Response(NotificationSerializer(notification_mark_read(user=request.user, notification_id=pk)).data)
