-- lighttpd-errors.lua: lighttpd's own errors under the program's v1/ paths answer the
-- program's JSON envelope, with Retry-After when trying again can help (docs/security.md,
-- "A worker that dies"). mod_magnet (Debian: lighttpd-modules-lua) runs it as each answer
-- of the program's paths starts: magnet.attract-response-start-to in conf/lighttpd.conf.in
-- and conf/lighttpd-deploy.conf. The program's own answers carry X-Request-Id and pass
-- unchanged, its errors included; an error lighttpd made itself under .../v1/ (the worker
-- died before it answered, none is there, the answer took too long, the body is larger
-- than server.max-request-size) gets the body of static/errors/STATUS.json, which Apache
-- and nginx send as a file: the same bytes.
local messages = {
  [411] = "a request body needs a Content-Length",
  [413] = "request body too large for the web server",
  [429] = "too many requests in progress from this address, try again",
  [500] = "the report program failed to answer, try again",
  [502] = "the report program did not answer, try again",
  [503] = "the report program is unavailable, try again",
  [504] = "the report program did not answer in time, try again",
}
local r = lighty.r
local status = r.req_item.http_status
local message = messages[status]
if not message or r.resp_header["X-Request-Id"] then
  return 0
end
-- the path as the client sent it (uri.path is no longer set for a FastCGI answer)
local path = (r.req_attr["request.uri"] or ""):match("^[^?]*")
if not path:find("/v1/", 1, true) then
  return 0
end
r.resp_body.set({ '{"code":', tostring(status), ',"status":"error","message":"', message, '"}' })
r.resp_header["Content-Type"] = "application/json; charset=utf-8"
if status ~= 411 and status ~= 413 then
  r.resp_header["Retry-After"] = "5"
end
r.resp_header["Cache-Control"] = "no-store"
-- the same status, and the body is complete (resp_body.set started a new one)
return status
