"""schedules: decides *when* — due posts, the weekly edition, feed intake, reminders and
report deadlines. Imports channels/ and content/, never bot/."""
