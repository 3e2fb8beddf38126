
•
ê

service.name
trip-planner

service.version
