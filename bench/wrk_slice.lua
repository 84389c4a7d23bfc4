-- One measuring slice for bench/run.py, run by wrk with one thread.
--   WRK_PATHS  optional file of paths, one a line: each request takes the next (from
--              WRK_OFFSET), e.g. a different article every time. Without it, wrk's URL.
--   WRK_OUT    where done() writes the counts and the whole latency histogram
--              ("<microseconds> <count>" lines), which run.py merges across slices.
local paths = {}
local next_path = 0

function init(args)
  local file = os.getenv("WRK_PATHS")
  if file and file ~= "" then
    for line in io.lines(file) do
      if line ~= "" then
        paths[#paths + 1] = line
      end
    end
    next_path = tonumber(os.getenv("WRK_OFFSET") or "0") % #paths
  end
end

function request()
  if #paths == 0 then
    return wrk.request()
  end
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("WRK_OUT"), "w"))
  local e = summary.errors
  out:write(string.format("requests %d\n", summary.requests))
  out:write(string.format("duration %d\n", summary.duration))
  out:write(string.format("errors %d %d %d %d %d\n", e.connect, e.read, e.write, e.status, e.timeout))
  for i = 1, #latency do
    local value, count = latency(i)
    out:write(string.format("%d %d\n", value, count))
  end
  out:close()
end
