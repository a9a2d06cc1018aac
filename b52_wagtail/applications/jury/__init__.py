"""The reviewing jury of an award call: jurors, criteria, reviews, the
ranking for the Geschäftsstelle, reminders and invitations.

Who reviews is set per call (:class:`~b52_wagtail.applications.models.Jury`);
a juror sees the applications of their calls that were forwarded to the
jury (status ``jury``) and nothing else of applications (:mod:`.access`).
"""
