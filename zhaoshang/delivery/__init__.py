"""Delivery of reports: mail through SMTP (yagmail), always kept in outbox/ and in the ledger.

Every mail body is framed the same way (`frame.framed`: salutation, body, the office's sign-off and date).
"""

from zhaoshang.delivery.frame import SignOff, framed, mail_time, salutation, sign_off
from zhaoshang.delivery.mail import (
    Attachment,
    DeliveryReport,
    QueuedMail,
    deliver_pending,
    leader_addresses,
    queue_mail,
)

__all__ = ["Attachment", "DeliveryReport", "QueuedMail", "SignOff", "deliver_pending", "framed", "leader_addresses",
           "mail_time", "queue_mail", "salutation", "sign_off"]
