"""The stored outbox: every mail the site sends is a row first, then the worker sends it.

A request never talks to the mail server. It renders the message, stores it
here inside its own transaction (with a link to what it is about, e.g. an
enquiry or an invitation) and answers; once the transaction commits a task
asks the worker to send it. A failure is recorded on the row and retried with
exponential back-off until ``OUTBOX_MAX_ATTEMPTS``, then the row is marked
failed for editors to see and send again. ``manage.py send_outbox`` sends
whatever is due or stuck (a lost enqueue, a crashed worker, the inline backend
that cannot wait) and prunes old sent messages.

Callers use :func:`cms.outbox.mail.queue_mail`.
"""
