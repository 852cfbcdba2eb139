#!/bin/sh
# wfm.fcgi: the program mod_fcgid starts for wfm on shared hosting (see
# deploy/apache/htaccess). mod_fcgid hands it the FastCGI listening socket
# as fd 0; wfm-fcgi, with [fcgi] listen empty, serves on it.
#
# Placeholders: /home/USER/wfm/wfm.conf (the configuration) and
# /home/USER/wfm/bin (where wfm-fcgi is).

WFM_CONFIG=/home/USER/wfm/wfm.conf
export WFM_CONFIG
# Serve on fd 0 whatever wfm.conf says.
WFM_FCGI_LISTEN=
export WFM_FCGI_LISTEN
# mod_fcgid sends one request at a time to each process it starts, and
# starts more under load: one worker per process is enough.
WFM_FCGI_WORKERS=1
export WFM_FCGI_WORKERS
# mod_fcgid stops idle processes: the supervisor runs on its own (cron).
WFM_SUPERVISOR_SPAWN=false
export WFM_SUPERVISOR_SPAWN

exec /home/USER/wfm/bin/wfm-fcgi
