"""Delivery of reports: mail through SMTP (yagmail), always kept in outbox/ and in the ledger."""

from zhaoshang.delivery.mail import DeliveryReport, QueuedMail, deliver_pending, leader_addresses, queue_mail

__all__ = ["DeliveryReport", "QueuedMail", "deliver_pending", "leader_addresses", "queue_mail"]
