"""Charts for the team's channel: matplotlib figures rendered to PNG bytes, with no Slack and
no database. The burnup and velocity charts arrive with sprints; see the sprint issue."""
