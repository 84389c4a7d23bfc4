# The front cache of docker-compose.yml: Varnish before gunicorn, purged by surrogate key.
#
# The site marks what may be shared (Cache-Control: public, s-maxage; articles.caching) and
# names what each page shows in Surrogate-Key (articles.surrogates). Every write purges the
# keys it touches with `PURGE /` and an `xkey: <keys>` header (articles.purging.HttpPurger),
# so a correction is on the very next request while pages may otherwise stay for s-maxage.
#
# Needs the xkey vmod (varnish-modules: in the official varnish images since 7.1; Debian's
# package varnish-modules). Check it compiles: varnishd -C -f docker/varnish/default.vcl
vcl 4.1;

import xkey;

# The web service, at its fixed address on the compose network (docker-compose.yml): no name
# to resolve when the VCL loads, and no stale address when the container is recreated.
backend web {
    .host = "172.30.90.10";
    .port = "8000";
    .connect_timeout = 5s;
    .first_byte_timeout = 60s;
}

# Who may purge: the web and worker services (the processes that write), and this host.
# Not the network's gateway (172.30.90.1), which is what a client of the published port looks
# like from in here.
acl purgers {
    "127.0.0.1";
    "::1";
    "172.30.90.10";
    "172.30.90.11";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey) {
            return (synth(400, "PURGE needs an xkey header"));
        }
        set req.http.x-purged = xkey.purge(req.http.xkey);
        return (synth(200, "Purged " + req.http.x-purged + " objects"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The desk, accounts, the admin and shared previews are never shared; the read API
    # answers conditional requests and counts every request itself.
    if (req.url ~ "^/(desk|accounts|admin|preview|api)(/|\?|$)") {
        return (pass);
    }
    # Signed-in people (a session or a pending message) and credentials go to the site,
    # cookies and all, uncached: the site answers them privately.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;)\s*(sessionid|messages)=") {
        return (pass);
    }
    # An anonymous reader: no cookie the site reads, so one copy per page for everyone.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    # Feeds and sitemaps carry absolute URLs: http and https are different pages.
    if (req.http.X-Forwarded-Proto) {
        hash_data(req.http.X-Forwarded-Proto);
    }
}

sub vcl_backend_response {
    # Cache only what the site marks public (reader pages, static files), never a response
    # that sets a cookie; for two minutes, fetch such URLs straight from the site.
    if (beresp.http.Cache-Control !~ "(^|,)\s*public\s*(,|$)" || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # xkey indexes objects by the xkey header; the site names its keys in Surrogate-Key.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # The TTL is the site's s-maxage (Varnish reads it from Cache-Control).
}

sub vcl_deliver {
    unset resp.http.xkey;
}
