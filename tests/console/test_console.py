#!/usr/bin/python3
"""Browser tests of the web console (make check-console).

Debian's chromium, driven headless by chromium-driver through Debian's
python3-selenium, against the real stack through nginx (started by
tests/console/run.sh). Every page is screenshotted into --shots and
checked with axe-core (vendored in tests/console/vendor/): no serious or
critical violation. The browser log, a CSP violation listener and an
error listener installed before any page script must stay empty of
errors. Prints one line per test and ends with 'N passed, N failed';
exits 1 on any failure.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import (NoAlertPresentException,
                                        StaleElementReferenceException)
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

PROBE = '<img src=x onerror=alert(1)>'
HERE = os.path.dirname(os.path.abspath(__file__))

# Installed before any script of every document: records CSP violations,
# uncaught errors and alert() calls where the test can read them.
PAGE_PROBE = """
window.__probe = {csp: [], errors: [], alerts: []};
document.addEventListener('securitypolicyviolation', function (e) {
    window.__probe.csp.push(e.violatedDirective + ' ' + e.blockedURI);
});
window.addEventListener('error', function (e) {
    window.__probe.errors.push(String(e.message || e.type));
}, true);
window.addEventListener('unhandledrejection', function (e) {
    window.__probe.errors.push('unhandled rejection: ' + String(e.reason));
});
window.alert = function (m) { window.__probe.alerts.push(String(m)); };
"""


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


class Ctx:
    def __init__(self, args):
        self.url = args.url.rstrip('/')
        self.api = self.url + args.base
        self.conf = args.conf
        self.bin = args.bin
        self.shots = args.shots
        self.problems = []      # browser-side problems seen so far
        self.axe_src = open(os.path.join(HERE, 'vendor', 'axe.min.js'),
                            encoding='utf-8').read()
        self.profile = tempfile.mkdtemp(prefix='wfm-console-chromium-')
        opts = Options()
        opts.binary_location = '/usr/bin/chromium'
        for a in ('--headless=new', '--no-sandbox', '--disable-gpu',
                  '--no-first-run', '--disable-background-networking',
                  '--disable-component-update', '--disable-sync',
                  '--disable-dev-shm-usage', '--window-size=1280,900',
                  '--user-data-dir=' + self.profile):
            opts.add_argument(a)
        opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
        self.d = webdriver.Chrome(
            service=Service('/usr/bin/chromedriver'), options=opts)
        self.d.set_window_size(1280, 900)
        self.d.execute_cdp_cmd('Page.addScriptToEvaluateOnNewDocument',
                               {'source': PAGE_PROBE})
        self.token = self.mint('alice', 'workflow:execute,workflow:read,'
                               'template:write')

    # ---- API, through the same nginx ------------------------------------

    def mint(self, sub, roles, ttl=3600):
        out = subprocess.run(
            [os.path.join(self.bin, 'wfmctl'), '-c', self.conf, 'token',
             '--sub', sub, '--roles', roles, '--ttl', str(ttl)],
            check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def call(self, method, path, body=None, token=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.api + path, data=data,
                                     method=method)
        req.add_header('Authorization', 'Bearer ' + (token or self.token))
        if data is not None:
            req.add_header('Content-Type', 'application/json')
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw = r.read()
                return r.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, json.loads(raw) if raw else None

    def template(self, body):
        st, t = self.call('POST', '/workflow-management/templates', body)
        check(st == 201, 'create template: %s %s' % (st, t))
        return t['template_id']

    def execute(self, tid, input_data=None, name=None):
        body = {'template_id': tid, 'input_data': input_data or {}}
        if name:
            body['execution_name'] = name
        st, e = self.call('POST', '/workflow-management/execute', body)
        check(st == 202, 'execute: %s %s' % (st, e))
        return e['execution_id']

    def exec_doc(self, eid):
        st, doc = self.call('GET', '/workflow-management/executions/' + eid)
        check(st == 200, 'GET execution: %s' % st)
        return doc

    # ---- browser ---------------------------------------------------------

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    def wait(self, cond, what, timeout=10):
        try:
            # A live page re-renders: an element found a moment ago may
            # be gone; the condition is then asked again.
            return WebDriverWait(
                self.d, timeout, poll_frequency=0.1,
                ignored_exceptions=[StaleElementReferenceException]).until(
                lambda _d: cond())
        except Exception as e:
            raise Failure('timed out (%ss) waiting for %s' %
                          (timeout, what)) from e

    def css(self, sel):
        return self.d.find_element(By.CSS_SELECTOR, sel)

    def csss(self, sel):
        return self.d.find_elements(By.CSS_SELECTOR, sel)

    def text_of(self, sel):
        els = self.csss(sel)
        return els[0].text if els else ''

    def harvest(self):
        """Move what the page and the browser log saw into problems."""
        try:
            p = self.js('return window.__probe || null')
        except Exception:
            p = None
        if p:
            for k in ('csp', 'errors', 'alerts'):
                for m in p[k]:
                    self.problems.append('%s: %s' % (k, m))
            self.js("if (window.__probe) { window.__probe.csp = [];"
                    " window.__probe.errors = []; window.__probe.alerts = [] }")
        for e in self.d.get_log('browser'):
            msg = e.get('message', '')
            src = e.get('source', '')
            csp = 'Content Security Policy' in msg or 'Refused to' in msg
            if src == 'network':
                # An API answering 4xx is expected (401, 404 of a route
                # the server does not have yet, 409, 422); any other
                # failed load (a script, an image) is not.
                if '/api/' in msg and not csp:
                    continue
            elif e.get('level') != 'SEVERE' and not csp:
                continue
            self.problems.append('browser log: %s' % msg)
        try:
            self.d.switch_to.alert.dismiss()
            self.problems.append('an alert() dialog was open')
        except NoAlertPresentException:
            pass

    def go(self, frag):
        self.harvest()
        self.d.get(self.url + '/console/' + frag)

    def shot(self, name):
        os.makedirs(self.shots, exist_ok=True)
        self.d.save_screenshot(os.path.join(self.shots, name + '.png'))

    def axe(self, page):
        self.js(self.axe_src)
        res = self.d.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(function (r) { done(r.violations.map(function (v) {"
            " return {id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 3).map(function (n) {"
            " return n.target.join(' '); })}; })); })"
            ".catch(function (e) { done([{id: 'axe-error', impact:"
            " 'critical', help: String(e), nodes: []}]); });")
        bad = [v for v in res if v['impact'] in ('serious', 'critical')]
        check(not bad, 'axe on %s: %s' % (page, json.dumps(bad)))
        return len(res)

    def page(self, name):
        """Screenshot, accessibility check and log check of this page."""
        self.shot(name)
        self.axe(name)
        self.harvest()

    def signed_in(self, token=None):
        self.go('#token=' + (token or self.token))
        self.wait(lambda: self.csss('#exec-rows tr'), 'the executions table')


# ---- templates used by the tests ---------------------------------------

SLOW = {
    'name': 'console-slow',
    'description': 'Three steps, the middle one a 3 s delay.',
    'input_schema': {
        'type': 'object', 'required': ['count'],
        'properties': {
            'count': {'type': 'integer', 'minimum': 1, 'maximum': 10},
            'color': {'type': 'string', 'enum': ['red', 'green']},
            'tags': {'type': 'array', 'items': {'type': 'string'}},
            'note': {'type': 'string'},
            'extra': {'type': 'object'},
        },
    },
    'steps': [
        {'id': 'start', 'type': 'transform', 'output': {'n': 1}},
        {'id': 'pause', 'type': 'delay', 'seconds': 3,
         'depends_on': ['start']},
        {'id': 'left', 'type': 'transform', 'output': {'l': 1},
         'depends_on': ['pause']},
        {'id': 'right', 'type': 'transform', 'output': {'r': 1},
         'depends_on': ['pause']},
        {'id': 'join', 'type': 'transform', 'output': {'j': 1},
         'depends_on': ['left', 'right']},
    ],
}

LONG = {
    'name': 'console-long',
    'steps': [
        {'id': 'first', 'type': 'transform', 'output': {'a': 1}},
        {'id': 'wait', 'type': 'delay', 'seconds': 120,
         'depends_on': ['first']},
        {'id': 'after', 'type': 'transform', 'output': {'b': 1},
         'depends_on': ['wait']},
    ],
}

XSS = {
    'name': PROBE,
    'is_public': True,
    'description': 'Description: ' + PROBE,
    'input_schema': {'type': 'object',
                     'properties': {'note': {'type': 'string',
                                             'description': PROBE}}},
    'steps': [
        {'id': 'echo', 'type': 'transform',
         'output': {'said': '{{ input.note }}'}},
    ],
}


def setup(c):
    c.slow = c.template(SLOW)
    c.long = c.template(LONG)
    c.xss = c.template(XSS)
    # A finished one so that the list is never empty.
    c.first = c.execute(c.slow, {'count': 1}, 'console-first')


# ---- the tests -----------------------------------------------------------

def t_signin_form(c):
    """No token: the sign-in form; a non-JWT is refused; a token works."""
    c.go('')
    c.wait(lambda: c.csss('#signin-form'), 'the sign-in form')
    check(c.js('return document.activeElement.id') == 'token',
          'the token field has the focus')
    c.page('signin')
    c.css('#token').send_keys('not a token')
    c.css('#signin-submit').click()
    c.wait(lambda: 'not a JWT' in c.text_of('#signin-status'),
           'the message about a malformed token')
    c.css('#token').clear()
    c.css('#token').send_keys(c.token)
    c.css('#signin-submit').click()
    c.wait(lambda: c.csss('#exec-rows tr a'), 'the executions list')
    check(c.js("return sessionStorage.getItem('wfm.token')") == c.token,
          'the token is in sessionStorage')


def t_fragment_token(c):
    """#token= goes to sessionStorage and leaves the URL and history."""
    c.js('sessionStorage.clear()')
    before = c.js('return history.length')
    c.go('#token=' + c.token)
    c.wait(lambda: c.csss('#exec-rows tr a'), 'the executions list')
    url = c.d.current_url
    check('token' not in url, 'no token in the address bar: ' + url)
    check(url.endswith('/console/#/executions'), 'moved to the list: ' + url)
    check(c.js("return sessionStorage.getItem('wfm.token')") == c.token,
          'the token is in sessionStorage')
    check(c.js('return localStorage.length') == 0, 'localStorage is empty')
    check(c.js('return document.cookie') == '', 'no cookie')
    check(c.js('return history.length') == before + 1,
          'one history entry, the replaced one')
    # nginx saw no request carrying the token in a URL.
    names = c.js("return performance.getEntriesByType('resource')"
                 ".map(function (e) { return e.name; })")
    check(not any(c.token in n for n in names), 'token in a request URL')


def t_first_visit_size(c):
    """A first visit (empty cache) transfers < 300 KiB compressed."""
    total = c.js(
        "var n = performance.getEntriesByType('navigation')[0];"
        "var t = n ? n.transferSize : 0;"
        "performance.getEntriesByType('resource').forEach(function (e)"
        " { t += e.transferSize; }); return t;")
    print('    first visit: %d bytes transferred' % total)
    check(0 < total < 300 * 1024, 'first visit %d bytes' % total)


def t_list_live_and_pause(c):
    """The list updates itself every 2 s; pausing stops that."""
    c.signed_in()
    c.page('executions')
    eid = c.execute(c.slow, {'count': 2}, 'console-live-1')
    c.wait(lambda: c.csss('tr[data-id="%s"]' % eid),
           'the new execution in the list without a reload', 6)
    row = c.css('tr[data-id="%s"]' % eid)
    check('console-slow' in row.text, 'the template name in the row')
    c.css('#live-toggle').click()
    check(c.css('#live-toggle').get_attribute('aria-pressed') == 'true',
          'the toggle says paused')
    eid2 = c.execute(c.slow, {'count': 2}, 'console-live-2')
    time.sleep(4.5)
    check(not c.csss('tr[data-id="%s"]' % eid2), 'no update while paused')
    c.css('#live-toggle').click()
    c.wait(lambda: c.csss('tr[data-id="%s"]' % eid2),
           'the update after resuming', 6)


def t_filters_and_paging(c):
    """Status and template filters; cursor paging forward and back."""
    for i in range(21):
        c.execute(c.xss, {'note': 'n%d' % i}, 'console-page-%02d' % i)
    c.signed_in()
    Select(c.css('#f-template')).select_by_value(c.xss)
    c.css('#f-apply').click()
    c.wait(lambda: 'template_id=' in c.d.current_url, 'the filter in the URL')
    c.wait(lambda: len(c.csss('#exec-rows tr[data-id]')) == 20
           and all(PROBE in r.text for r in c.csss('#exec-rows tr[data-id]')),
           'a full page of the probe template')
    first = c.css('#exec-rows tr[data-id]').get_attribute('data-id')
    c.css('#page-next').click()
    c.wait(lambda: c.css('#exec-rows tr[data-id]').get_attribute('data-id')
           != first, 'the second page')
    n2 = len(c.csss('#exec-rows tr[data-id]'))
    check(n2 >= 1, 'the second page has rows')
    check(c.css('#page-next').get_attribute('disabled') is not None,
          'no third page')
    c.css('#page-prev').click()
    c.wait(lambda: c.css('#exec-rows tr[data-id]').get_attribute('data-id')
           == first, 'back on the first page')
    Select(c.css('#f-status')).select_by_value('completed')
    c.css('#f-apply').click()
    c.wait(lambda: 'status=completed' in c.d.current_url, 'status filter')
    c.wait(lambda: c.csss('#exec-rows tr[data-id]') and
           all('completed' in r.text and PROBE in r.text
               for r in c.csss('#exec-rows tr[data-id]')),
           'only completed executions of that template', 15)
    # The server has name_prefix and schedule (list items carry
    # template_name); a filter it lacks (parent: items carry no
    # parent_execution_id) is not offered.
    check(c.css('#f-name_prefix').get_attribute('disabled') is None,
          'the name prefix filter is offered')
    check(c.css('#f-schedule').get_attribute('disabled') is None,
          'the schedule filter is offered')
    check(c.css('#f-parent_execution_id').get_attribute('disabled')
          is not None, 'a filter the server lacks is not offered')
    c.page('executions-filtered')
    # Name prefix: exactly the pages 00..09 of the probe template.
    Select(c.css('#f-status')).select_by_value('')
    c.css('#f-name_prefix').send_keys('console-page-0')
    c.css('#f-apply').click()
    c.wait(lambda: 'name_prefix=console-page-0' in c.d.current_url,
           'the name prefix in the URL')
    c.wait(lambda: sorted(r.find_element(By.CSS_SELECTOR, 'td.name').text
                          for r in c.csss('#exec-rows tr[data-id]')) ==
           ['console-page-%02d' % i for i in range(10)],
           'the ten executions named console-page-0*')


def t_stale_page_dropped(c):
    """An answer for a page the user has left meanwhile is dropped, not
    drawn over the page now shown (the pager the executions, schedules
    and approvals pages share)."""
    c.signed_in()
    c.go('#/executions?template_id=' + c.xss)
    c.wait(lambda: len(c.csss('#exec-rows tr[data-id]')) == 20
           and c.css('#page-next').get_attribute('disabled') is None,
           'a full first page with an older one')
    c.css('#live-toggle').click()       # no live reload in between
    first = c.css('#exec-rows tr[data-id]').get_attribute('data-id')
    # From here the first page's answers come 2.5 s late, others at once.
    c.js("window.__fetch = window.fetch;"
         "window.fetch = (u, o) => { const p = window.__fetch(u, o);"
         " return String(u).includes('cursor=') ? p : p.then((r) =>"
         " new Promise((ok) => setTimeout(() => ok(r), 2500))); };")
    try:
        c.css('#f-apply').click()       # the first page again: late
        c.css('#page-next').click()     # the second: at once
        c.wait(lambda: c.css('#exec-rows tr[data-id]')
               .get_attribute('data-id') != first, 'the second page')
        second = c.css('#exec-rows tr[data-id]').get_attribute('data-id')
        time.sleep(3.5)                 # the late answer came meanwhile
        check(c.css('#exec-rows tr[data-id]').get_attribute('data-id')
              == second, 'the late first page is not drawn over the second')
        check(c.text_of('#page-info') == 'Page 2', 'still page 2')
    finally:
        c.js("window.fetch = window.__fetch || window.fetch;")
    c.css('#live-toggle').click()


def t_execution_live(c):
    """An execution page shows its steps change state live."""
    eid = c.execute(c.slow, {'count': 3}, 'console-watch')
    c.signed_in()
    c.go('#/executions/' + eid)
    c.wait(lambda: c.csss('#graph .node'), 'the graph')
    check(len(c.csss('#graph .node')) == 5, 'five nodes')
    check(len(c.csss('#graph path.edge')) == 5, 'five edges')
    node = '#graph .node[data-step="pause"]'
    c.wait(lambda: c.css(node).get_attribute('data-status') == 'running',
           'the delay step running', 8)
    check('running' in c.css(node).get_attribute('aria-label'),
          'the state is in the label, not only the colour')
    c.page('execution-running')
    c.wait(lambda: c.css(node).get_attribute('data-status') == 'completed',
           'the delay step completed', 10)
    c.wait(lambda: c.text_of('#exec-status').endswith('completed'),
           'the execution completed', 6)
    check(len(c.csss('#gantt rect.bar')) == 5, 'five bars in the timeline')
    # A step panel, its output, the input and result blocks with copy.
    c.css('#node-join').click()
    c.wait(lambda: c.css('#step-join').get_attribute('open') is not None,
           'the panel of the step opened')
    c.css('#out-join summary').click()
    check('"j": 1' in c.css('#out-join pre').text, 'the step output')
    c.css('#result summary').click()
    c.css('#input summary').click()
    check('"count": 3' in c.css('#input pre').text, 'the input')
    c.css('#input button').click()
    c.wait(lambda: c.text_of('#input [role=status]') != '', 'copy feedback')
    c.page('execution-completed')
    check(not c.csss('#act-cancel'), 'no cancel on a completed execution')
    check(not c.csss('#act-retry'), 'no retry on a completed execution')


def t_cancel_retry(c):
    """Cancel with a reason, then retry, from the execution page."""
    eid = c.execute(c.long, {}, 'console-cancel')
    c.signed_in()
    c.go('#/executions/' + eid)
    c.wait(lambda: c.csss('#act-cancel'), 'the cancel button')
    c.css('#act-cancel').click()
    c.wait(lambda: c.csss('#cancel-reason'), 'the cancel form')
    c.css('#cancel-reason').send_keys('no longer needed')
    c.page('execution-cancel-form')
    c.css('#cancel-confirm').click()
    c.wait(lambda: 'Cancelled console-cancel' in c.text_of('#action-msg'),
           'the confirmation of the cancel')
    c.wait(lambda: c.text_of('#exec-status').endswith('cancelled'),
           'the status cancelled')
    doc = c.exec_doc(eid)
    check(doc['status'] == 'cancelled', 'cancelled in the API')
    check(doc['cancel_reason'] == 'no longer needed', 'reason kept')
    check(doc['cancelled_by'] == 'alice', 'who cancelled')
    c.page('execution-cancelled')
    c.wait(lambda: c.csss('#act-retry'), 'the retry button')
    c.css('#act-retry').click()
    c.wait(lambda: 'Retry started' in c.text_of('#action-msg'),
           'the confirmation of the retry')
    doc = c.exec_doc(eid)
    check(doc['status'] in ('pending', 'running'), 'redriven: ' +
          doc['status'])
    check(doc['redrive_count'] == 1, 'redrive counted')
    c.wait(lambda: c.csss('#act-cancel'), 'cancel offered again')
    c.call('POST', '/workflow-management/executions/%s/cancel' % eid, {})


def t_template_form(c):
    """Templates list, one template's graph, the generated form, a 422
    shown next to its field, a dry run, then a start."""
    c.signed_in()
    c.go('#/templates')
    c.wait(lambda: c.csss('#tmpl-rows a'), 'the templates list')
    c.page('templates')
    c.d.find_element(By.LINK_TEXT, 'console-slow').click()
    c.wait(lambda: c.csss('#run-form'), 'the form')
    check(len(c.csss('#graph .node')) == 5, 'the template graph')
    check(c.css('#in-color').tag_name == 'select', 'an enum is a select')
    check(c.css('#in-count').get_attribute('type') == 'number',
          'an integer is a number field')
    check(c.css('#in-extra').tag_name == 'textarea', 'an object is JSON')
    c.wait(lambda: len(c.csss('#version-list li')) == 1,
           'the one version listed')
    check(not c.css('#diff-go').is_displayed(), 'no diff of one version')
    c.css('#in-count').send_keys('0')
    c.css('#in-tags').send_keys('a\nb')
    c.css('#run-submit').click()
    c.wait(lambda: c.text_of('#in-count-err') != '', 'the field error')
    check(c.css('#in-count').get_attribute('aria-invalid') == 'true',
          'the field is marked invalid')
    check('greater than or equal' in c.text_of('#in-count-err')
          or '1' in c.text_of('#in-count-err'),
          'the server message: ' + c.text_of('#in-count-err'))
    check('1 problem' in c.text_of('#run-result'), 'the summary')
    c.page('template-422')
    c.css('#in-extra').send_keys('{not json')
    c.css('#run-submit').click()
    c.wait(lambda: 'JSON' in c.text_of('#in-extra-err'),
           'a local JSON error next to its field')
    c.css('#in-extra').clear()
    c.css('#in-count').clear()
    c.css('#in-count').send_keys('2')
    Select(c.css('#in-color')).select_by_visible_text('green')
    c.css('#run-dry').click()
    c.wait(lambda: 'Valid' in c.text_of('#run-result'), 'the dry run')
    check(c.text_of('#in-count-err') == '', 'the error is gone')
    c.css('#run-name').send_keys('console-from-form')
    c.css('#run-submit').click()
    c.wait(lambda: c.csss('#started-link'), 'the started message')
    c.page('template-started')
    c.css('#started-link').click()
    c.wait(lambda: c.text_of('#exec-title') == 'console-from-form',
           'the new execution page')
    c.css('#input summary').click()
    inp = json.loads(c.css('#input pre').text)
    check(inp == {'count': 2, 'color': 'green', 'tags': ['a', 'b']},
          'the input sent: %s' % inp)


def t_xss_probe(c):
    """A template and an execution carrying <img src=x onerror=...> in
    every free-text field show the characters and run nothing. (An
    execution name cannot hold it: the API's name pattern refuses '<'.)"""
    eid = c.execute(c.xss, {'note': PROBE}, 'console-xss')
    cid = c.execute(c.long, {'note': PROBE}, 'console-xss-cancel')
    st, _ = c.call('POST', '/workflow-management/executions/%s/cancel'
                   % cid, {'reason': PROBE})
    check(st == 202, 'cancel with the probe as reason')
    c.signed_in()
    c.go('#/templates')
    c.wait(lambda: c.csss('#tmpl-rows a'), 'the templates list')
    check(PROBE in c.css('#tmpl-rows').text, 'the probe as text in the list')
    c.go('#/templates/' + c.xss)
    c.wait(lambda: c.text_of('h1') == PROBE, 'the template name as text')
    check(('Description: ' + PROBE) in c.css('main').text, 'description')
    check(PROBE in c.text_of('#in-note-hint'), 'schema description')
    c.page('template-xss')
    c.go('#/executions/' + eid)
    c.wait(lambda: c.text_of('#exec-status').endswith('completed'),
           'the probe execution completed', 10)
    c.css('#input summary').click()
    check(PROBE in c.css('#input pre').text, 'the input as text')
    c.css('#node-echo').click()
    c.css('#out-echo summary').click()
    check(PROBE in c.css('#out-echo pre').text, 'the output as text')
    c.page('execution-xss')
    c.go('#/executions/' + cid)
    c.wait(lambda: PROBE in c.css('#exec-body').text, 'the cancel reason')
    c.go('#/executions?template_id=' + c.xss)
    c.wait(lambda: PROBE in c.text_of('#exec-rows'), 'the name in the list')
    check(c.js("return document.querySelectorAll('img').length") == 0,
          'no img element made from a value')
    c.harvest()
    check(not any('alerts' in p for p in c.problems), 'no alert() ran')


def t_forbidden(c):
    """403 shows the role that is missing."""
    tok = c.mint('bob', 'template:write')
    c.go('#token=' + tok)
    c.wait(lambda: 'Missing role workflow:read' in c.text_of('#list-msg'),
           'the missing role')
    c.page('forbidden')
    tok = c.mint('carol', 'workflow:read')
    c.go('#token=' + tok)
    c.wait(lambda: c.csss('#exec-rows tr'), 'the list')
    c.go('#/templates/' + c.xss)
    c.wait(lambda: 'needs the role workflow:execute' in c.css('main').text,
           'no form without workflow:execute')


def t_unauthorized_midsession(c):
    """A token the server refuses in the middle of a session brings back
    the sign-in form with a message; so does an expired one."""
    c.signed_in()
    c.js("sessionStorage.setItem('wfm.token', 'eyJhbGciOiJIUzI1NiJ9."
         "eyJzdWIiOiJ4In0.c2lnbmF0dXJl')")
    c.wait(lambda: c.csss('#signin-form'), 'the sign-in form after a 401', 6)
    check('refused the token' in c.css('main').text, 'the message')
    check(c.js("return sessionStorage.getItem('wfm.token')") is None,
          'the bad token is forgotten')
    check(c.css('#nav').get_attribute('hidden') is not None, 'nav hidden')
    c.page('signin-after-401')
    short = c.mint('alice', 'workflow:read,workflow:execute', ttl=2)
    c.go('#token=' + short)
    c.wait(lambda: c.csss('#signin-form'), 'the sign-in form at expiry', 12)
    check('expired' in c.css('main').text
          or 'refused the token' in c.css('main').text, 'the message')


def t_keyboard(c):
    """The main flows with the keyboard alone, with a visible focus."""
    c.js('sessionStorage.clear()')
    c.go('')
    c.wait(lambda: c.csss('#signin-form'), 'the sign-in form')
    ac = webdriver.ActionChains(c.d)

    def active():
        return c.d.switch_to.active_element

    def tab_to(pred, what, back=False, limit=80):
        for _ in range(limit):
            if back:
                ac.key_down(Keys.SHIFT).send_keys(Keys.TAB) \
                  .key_up(Keys.SHIFT).perform()
            else:
                ac.send_keys(Keys.TAB).perform()
            if pred(active()):
                style = c.js("var s = getComputedStyle(document."
                             "activeElement); return s.outlineStyle + ' '"
                             " + s.outlineWidth")
                check(not style.startswith('none') and
                      not style.endswith(' 0px'),
                      'a visible focus on %s: %s' % (what, style))
                return active()
        raise Failure('Tab never reached ' + what)

    check(active().get_attribute('id') == 'token', 'focus in the field')
    ac.send_keys(c.token).perform()
    tab_to(lambda e: e.get_attribute('id') == 'signin-submit', 'Sign in')
    ac.send_keys(Keys.ENTER).perform()
    c.wait(lambda: c.csss('#exec-rows tr a'), 'the list')
    tab_to(lambda e: (e.get_attribute('id') or '').startswith('ex-')
           and e.text == 'console-watch', 'an execution link')
    ac.send_keys(Keys.ENTER).perform()
    c.wait(lambda: c.csss('#graph .node'), 'the execution page')
    tab_to(lambda e: e.get_attribute('data-step') == 'pause', 'a graph node')
    ac.send_keys(Keys.ENTER).perform()
    c.wait(lambda: active().get_attribute('id') == 'sum-pause',
           'the focus on the step panel')
    check(c.css('#step-pause').get_attribute('open') is not None,
          'the panel is open')
    ac.send_keys(Keys.ENTER).perform()
    c.wait(lambda: c.css('#step-pause').get_attribute('open') is None,
           'Enter closes the panel')
    c.page('execution-keyboard')
    c.js('document.activeElement.blur(); window.scrollTo(0, 0)')
    c.js("document.body.focus()")
    tab_to(lambda e: e.get_attribute('data-nav') == 'templates',
           'the Templates link')
    ac.send_keys(Keys.ENTER).perform()
    c.wait(lambda: c.csss('#tmpl-rows a'), 'the templates list')
    tab_to(lambda e: e.text == 'console-slow', 'the template link')
    ac.send_keys(Keys.ENTER).perform()
    c.wait(lambda: c.csss('#run-form'), 'the form')
    tab_to(lambda e: e.get_attribute('id') == 'in-count', 'the count field')
    ac.send_keys('4').perform()
    tab_to(lambda e: e.get_attribute('id') == 'run-submit', 'Start')
    ac.send_keys(Keys.ENTER).perform()
    c.wait(lambda: active().get_attribute('id') == 'started-link',
           'the focus on the new execution link')
    ac.send_keys(Keys.ENTER).perform()
    c.wait(lambda: c.csss('#act-cancel'), 'the new execution page', 8)
    tab_to(lambda e: e.get_attribute('id') == 'act-cancel', 'Cancel',
           back=False)
    ac.send_keys(Keys.ENTER).perform()
    c.wait(lambda: active().get_attribute('id') == 'cancel-reason',
           'the focus in the reason field')
    ac.send_keys('by keyboard').perform()
    ac.send_keys(Keys.TAB).perform()
    check(active().get_attribute('id') == 'cancel-confirm', 'Tab to confirm')
    ac.send_keys(Keys.ENTER).perform()
    c.wait(lambda: 'Cancelled' in c.text_of('#action-msg'),
           'cancelled by keyboard')


def t_schedules(c):
    """Schedules: a real schedule's row with its next fire times and the
    template name (the probe) as text; pause, resume (by keyboard) and
    trigger now agree with the API; the server's error sentence is shown;
    without workflow:execute no actions."""
    st, sc = c.call('POST', '/workflow-management/schedules',
                     {'name': 'console-sched', 'template_id': c.xss,
                      'interval_seconds': 3600, 'input_data': {}})
    check(st == 201, 'create schedule: %s %s' % (st, sc))
    sid = sc['schedule_id']
    path = '/workflow-management/schedules/' + sid
    c.signed_in()
    c.go('#/schedules')
    c.wait(lambda: c.csss('tr[data-id="%s"]' % sid), 'the schedule row')
    row = c.css('tr[data-id="%s"]' % sid)
    check('console-sched' in row.text, 'the name in the row')
    check(PROBE in c.text_of('#stl-' + sid), 'the template name as text')
    check('every 1 h' in row.text and 'UTC' in row.text, 'interval, zone')
    check(c.text_of('#state-' + sid) == 'active', 'active')
    st, doc = c.call('GET', path)
    check(st == 200 and len(doc['next_fire_times']) == 5, 'GET schedule')
    shown = [e.get_attribute('datetime')
             for e in c.csss('#next-%s time' % sid)]
    check(shown == doc['next_fire_times'][:3],
          'next fire times %s vs %s' % (shown, doc['next_fire_times']))
    check(c.text_of('#last-' + sid) == '—', 'no last result yet')
    check(c.js("return document.querySelectorAll('img').length") == 0,
          'no img element made from a value')
    # Pause with the mouse.
    c.css('#sc-pause-' + sid).click()
    c.wait(lambda: c.text_of('#state-' + sid).endswith('paused'),
           'the row says paused')
    check('Paused console-sched.' in c.text_of('#sched-msg'), 'the message')
    check('none while paused' in c.text_of('#next-' + sid), 'no next fire')
    st, doc = c.call('GET', path)
    check(st == 200 and doc['paused'] is True
          and doc['next_fire_times'] == [], 'the API says paused: %s' % doc)
    # Resume with the keyboard; the focus moves to the new Pause button.
    c.wait(lambda: c.js('return document.activeElement.id') ==
           'sc-resume-' + sid, 'the focus on Resume')
    c.d.switch_to.active_element.send_keys(Keys.ENTER)
    c.wait(lambda: c.text_of('#state-' + sid) == 'active',
           'the row says active again')
    c.wait(lambda: c.js('return document.activeElement.id') ==
           'sc-pause-' + sid, 'the focus on Pause')
    check('Resumed console-sched.' in c.text_of('#sched-msg'), 'message')
    st, doc = c.call('GET', path)
    check(st == 200 and doc['paused'] is False
          and len(doc['next_fire_times']) == 5, 'the API says active')
    c.wait(lambda: len(c.csss('#next-%s time' % sid)) == 3,
           'the next fire times again')
    # Trigger now: an execution, the API's manual fire, the last result.
    c.css('#sc-trigger-' + sid).click()
    c.wait(lambda: c.csss('#sched-started'), 'the started execution')
    eid = c.css('#sched-started').get_attribute('href').rsplit('/', 1)[1]
    check(c.text_of('#sched-started').startswith(
        'sched.console-sched.manual.'), 'the execution name')
    st, fires = c.call('GET', path + '/fires')
    check(st == 200 and len(fires['items']) == 1, 'one fire: %s' % fires)
    f = fires['items'][0]
    check(f['manual'] is True and f['execution_id'] == eid,
          'the manual fire: %s' % f)
    c.wait(lambda: c.csss('#sl-' + sid)
           and c.css('#sl-' + sid).get_attribute('href').endswith(eid)
           and c.text_of('#sl-' + sid).endswith('completed'),
           'the last result, completed, live', 10)
    check('(manual)' in c.text_of('#fire-' + sid), 'the last fire, manual')
    check(c.exec_doc(eid)['status'] == 'completed', 'the API agrees')
    c.page('schedules')
    c.css('#sl-' + sid).click()
    c.wait(lambda: c.text_of('#exec-title').startswith('sched.'),
           'the execution page from the last result')
    c.go('#/schedules')
    c.wait(lambda: c.csss('#sc-pause-' + sid), 'the row again')
    # The server's sentence when an action fails: gone under the page.
    c.css('#live-toggle').click()
    st, _ = c.call('DELETE', path)
    check(st == 204, 'delete schedule: %s' % st)
    c.css('#sc-pause-' + sid).click()
    c.wait(lambda: 'Schedule not found (HTTP 404)' in
           c.text_of('#sched-msg'), 'the 404 sentence')
    c.css('#live-toggle').click()
    c.wait(lambda: not c.csss('tr[data-id="%s"]' % sid), 'the row gone')
    # Read only: no actions, a note saying why.
    tok = c.mint('carol', 'workflow:read')
    c.go('#token=' + tok)
    c.wait(lambda: c.csss('#exec-rows tr'), 'the list')
    c.go('#/schedules')
    c.wait(lambda: c.csss('#sched-role-note'), 'the role note')
    check(not c.csss('button[id^="sc-"]'), 'no actions')


def t_system(c):
    """System: an admin sees the server's figures as text, refreshed
    live; without admin no menu entry and the server's 403 sentence."""
    admin = c.mint('root-user', 'admin')
    c.go('#token=' + admin)
    c.wait(lambda: c.csss('#exec-rows tr'), 'the list as admin')
    check(c.css('[data-admin]').get_attribute('hidden') is None,
          'System in the menu for an admin')
    c.css('[data-nav="system"]').click()
    c.wait(lambda: c.text_of('#ex-count-total') not in ('', '—'),
           'the figures')
    keys = ('pending', 'running', 'waiting', 'paused', 'completed',
            'failed', 'cancelled', 'timed_out', 'total')
    seen = {}

    def same():
        # Executions of earlier tests may still be moving: the page must
        # show what the API says at one moment, whichever.
        st, d = c.call('GET', '/workflow-management/system', token=admin)
        check(st == 200, 'GET system as admin: %s' % st)
        seen['doc'] = d
        return all(c.text_of('#ex-count-' + k) ==
                   '{:,}'.format(d['executions'][k]) for k in keys) and \
            c.text_of('#q-pending') == '{:,}'.format(d['queue']['pending']) \
            and c.text_of('#tp-total-completed') == \
            '{:,}'.format(d['throughput']['totals']['completed'])
    c.wait(same, 'the page showing the API\'s figures', 15)
    doc = seen['doc']
    check(doc['throughput']['totals']['completed'] >= 1,
          'a completion in the last hour')
    check(len(c.csss('#sys-throughput tbody tr')) == 12, '12 buckets')
    check('alive' in c.text_of('#sys-supervisors'),
          'the supervisor, alive, as a word')
    check('completed' in c.text_of('#sys-status'), 'status words as text')
    # Live: a new execution shows up without a reload.
    before = doc['executions']['total']
    c.execute(c.xss, {'note': 'system-live'})
    c.wait(lambda: int(c.text_of('#ex-count-total').replace(',', '')) >
           before, 'the total updated live', 8)
    check(c.js("return location.hash") == '#/system', 'no navigation')
    c.page('system')
    c.signed_in()
    check(c.css('[data-admin]').get_attribute('hidden') is not None,
          'no System in the menu without admin')
    c.go('#/system')
    c.wait(lambda: 'Not allowed: Missing role admin.' in
           c.text_of('#sys-msg'), 'the 403 sentence')
    check(not c.csss('#sys-status'), 'no figures without admin')
    c.page('system-403')


def t_narrow(c):
    """Usable at 360 px: nothing wider than the window but the tables'
    own scroll areas."""
    c.d.set_window_size(360, 800)
    try:
        c.signed_in()
        w = c.js('return [document.documentElement.scrollWidth,'
                 ' window.innerWidth]')
        check(w[0] <= w[1], 'page width %s at 360 px' % w)
        c.page('executions-360')
        c.go('#/executions/' + c.first)
        c.wait(lambda: c.csss('#graph .node'), 'the execution page')
        w = c.js('return [document.documentElement.scrollWidth,'
                 ' window.innerWidth]')
        check(w[0] <= w[1], 'execution page width %s at 360 px' % w)
        c.page('execution-360')
    finally:
        c.d.set_window_size(1280, 900)
    c.d.set_window_size(1920, 1080)
    try:
        c.signed_in()
        c.page('executions-1920')
    finally:
        c.d.set_window_size(1280, 900)


# The graph of a 100-step template: each step after the previous one and
# the seventh before it. Also timed by make bench (tests/bench/
# console_bench.py imports this module).
GRAPH_100_STEPS = [
    {'id': 's%03d' % i, 'type': 'transform', 'output': {'i': i},
     'depends_on': sorted({'s%03d' % j for j in (i - 1, i - 7) if j >= 0})}
    for i in range(100)]

# Milliseconds for dag.js to lay out and draw those 100 nodes (half of
# them completed) into the page, layout included; -1 on a script error.
GRAPH_100_JS = """
    var done = arguments[arguments.length - 1];
    import('/console/js/dag.js').then(function (m) {
        var nodes = [];
        for (var i = 0; i < 100; i++) {
            var d = [];
            if (i > 0) d.push('s' + (i - 1));
            if (i > 6) d.push('s' + (i - 7));
            nodes.push({id: 's' + i, type: 'transform', deps: d,
                        status: i < 50 ? 'completed' : 'pending'});
        }
        var box = document.createElement('div');
        document.body.append(box);
        var t0 = performance.now();
        box.append(m.drawDag(nodes, {onSelect: function () {}}));
        box.getBoundingClientRect();
        var t = performance.now() - t0;
        box.remove();
        done(t);
    }).catch(function (e) { done(-1); });"""


def open_graph_100(c):
    """Create the 100-step template and open its page (every node drawn);
    returns its id."""
    tid = c.template({'name': 'console-100', 'steps': GRAPH_100_STEPS})
    c.signed_in()
    c.go('#/templates/' + tid)
    c.wait(lambda: len(c.csss('#graph .node')) == 100, 'a hundred nodes')
    return tid


def t_graph_100(c):
    """The graph of a 100-step template is drawn in < 200 ms, and its
    page shows every node."""
    open_graph_100(c)
    ms = c.d.execute_async_script(GRAPH_100_JS)
    print('    graph of 100 steps: %.1f ms' % ms)
    check(0 <= ms < 200, 'graph of 100 steps in %.1f ms' % ms)
    c.page('template-100-steps')


def t_template_versions(c):
    """A template's versions, newest first, and a line diff between any
    two of them, values shown as text."""
    path = '/workflow-management/templates/'
    v1 = {'name': 'console-versions', 'description': 'first',
          'steps': [{'id': 'a', 'type': 'transform', 'output': 1}]}
    tid = c.template(v1)
    v2 = dict(v1, description=PROBE,
              steps=[{'id': 'a', 'type': 'transform', 'output': 2}])
    v3 = dict(v2, steps=v2['steps'] + [{'id': 'b', 'type': 'transform',
                                        'output': 3, 'depends_on': ['a']}])
    for v in (v2, v3):
        st, t = c.call('PUT', path + tid, v)
        check(st == 200, 'PUT: %s %s' % (st, t))
    c.signed_in()
    c.go('#/templates/' + tid)
    c.wait(lambda: len(c.csss('#version-list li')) == 3, 'three versions')
    rows = [e.get_attribute('textContent')
            for e in c.csss('#version-list li')]
    check([r.split(' ')[1] for r in rows] == ['3', '2', '1'],
          'newest first: %s' % rows)
    check(all(r.endswith(' · console-versions') for r in rows),
          'each with its name: %s' % rows)
    check(Select(c.css('#diff-a')).first_selected_option.text
          == 'version 2', 'from the previous version')
    check(Select(c.css('#diff-b')).first_selected_option.text
          == 'version 3', 'to the newest')
    check(not c.csss('#versions-more') or
          not c.css('#versions-more').is_displayed(), 'one page')
    Select(c.css('#diff-a')).select_by_value('1')
    c.css('#diff-go').click()
    c.wait(lambda: c.csss('#diff-out pre'), 'the diff')
    dels = [e.get_attribute('textContent') for e in c.csss('#diff-out .del')]
    adds = [e.get_attribute('textContent') for e in c.csss('#diff-out .add')]
    check(dels == ['-   "description": "first",', '-       "output": 1,'],
          'removed lines: %s' % dels)
    check(adds[:2] == ['+   "description": "%s",' % PROBE,
                       '+       "output": 2,'], 'added lines: %s' % adds)
    check('+       "id": "b",' in adds, 'the new step: %s' % adds)
    check(c.text_of('#diff-summary') == '%d changed lines from version 1 '
          'to version 3.' % (len(dels) + len(adds)),
          'the summary: ' + c.text_of('#diff-summary'))
    check(not c.csss('#diff-out img'), 'the probe is text, not markup')
    c.page('template-versions')
    Select(c.css('#diff-b')).select_by_value('1')
    c.css('#diff-go').click()
    c.wait(lambda: c.text_of('#diff-summary') ==
           'The two versions are the same.', 'an empty diff')
    check(not c.csss('#diff-out .del') and not c.csss('#diff-out .add'),
          'nothing marked changed')


def t_modules_preloaded(c):
    """index.html preloads every module of the console, so that a cold
    first render fetches them at once, not one level of imports after
    another: every module's request starts before main.js has arrived."""
    root = os.path.join(HERE, '..', '..', 'console')
    with open(os.path.join(root, 'index.html'), encoding='utf-8') as f:
        html = f.read()
    pre = set(re.findall(r'<link rel="modulepreload" href="js/([a-z_]+\.js)">',
                         html))
    mods = {n for n in os.listdir(os.path.join(root, 'js'))
            if n.endswith('.js')} - {'main.js'}
    check(pre == mods, 'preloaded %s, modules %s' % (sorted(pre),
                                                     sorted(mods)))
    c.d.get('about:blank')
    c.go('#/executions')
    c.wait(lambda: c.csss('#exec-rows tr'), 'the executions table')
    t = c.js("var o = {}; performance.getEntriesByType('resource')"
             ".forEach(function (e) { var m = /\\/js\\/([a-z_]+\\.js)$/"
             ".exec(e.name); if (m && !(m[1] in o))"
             " o[m[1]] = [e.startTime, e.responseEnd]; }); return o;")
    check(set(t) == mods | {'main.js'}, 'modules loaded: %s' % sorted(t))
    late = [n for n in mods if t[n][0] > t['main.js'][1]]
    check(not late, 'asked for only after main.js arrived: %s (%s)' %
          (late, t))


def t_template_versions_paged(c):
    """Over 100 versions: the first 100 are listed, 'Older versions'
    brings the rest, and both choosers offer every version."""
    path = '/workflow-management/templates/'
    body = {'name': 'console-versions-101',
            'steps': [{'id': 'a', 'type': 'transform', 'output': 0}]}
    tid = c.template(body)
    for n in range(1, 101):
        body['steps'][0]['output'] = n
        st, t = c.call('PUT', path + tid, body)
        check(st == 200, 'PUT %d: %s %s' % (n, st, t))
    c.signed_in()
    c.go('#/templates/' + tid)
    c.wait(lambda: len(c.csss('#version-list li')) == 100, 'a first page')
    check(c.css('#versions-more').is_displayed(), 'older versions offered')
    c.css('#versions-more').click()
    c.wait(lambda: len(c.csss('#version-list li')) == 101, 'the last one')
    check(c.csss('#version-list li')[-1].get_attribute('textContent')
          .startswith('version 1 '), 'version 1 last')
    check(not c.css('#versions-more').is_displayed(), 'nothing older')
    check(len(c.csss('#diff-a option')) == 101 and
          len(c.csss('#diff-b option')) == 101, 'every version to pick')


def t_browser_log_clean(c):
    """No CSP violation, script error or alert in any page so far."""
    c.harvest()
    check(not c.problems, 'browser problems: %s' % c.problems)


def t_pause_resume(c):
    """Pause and resume buttons by state and rights; the list filters
    waiting and paused."""
    eid = c.execute(c.long, {}, 'console-pause')
    c.signed_in()
    c.go('#/executions/' + eid)
    c.wait(lambda: c.text_of('#exec-status').endswith('running'),
           'the execution running', 8)
    c.wait(lambda: c.csss('#act-pause'), 'the pause button')
    check(not c.csss('#act-resume'), 'no resume while running')
    c.css('#act-pause').click()
    c.wait(lambda: 'Paused: console-pause is paused' in
           c.text_of('#action-msg'), 'the confirmation of the pause')
    c.wait(lambda: c.text_of('#exec-status').endswith('paused'),
           'the status paused')
    check(c.exec_doc(eid)['status'] == 'paused', 'paused in the API')
    c.wait(lambda: c.csss('#act-resume'), 'the resume button')
    check(not c.csss('#act-pause'), 'no pause while paused')
    check(c.csss('#act-cancel'), 'a paused execution can be cancelled')
    c.page('execution-paused')
    # The list: status paused shows it, and only paused rows.
    c.go('#/executions?status=paused')
    c.wait(lambda: c.csss('#exec-rows tr[data-id="%s"]' % eid),
           'the paused execution under status=paused')
    check(all('paused' in r.text
              for r in c.csss('#exec-rows tr[data-id]')),
          'only paused rows')
    check(Select(c.css('#f-status')).first_selected_option
          .get_attribute('value') == 'paused', 'the filter shows paused')
    c.page('executions-paused')
    opts = [o.get_attribute('value')
            for o in Select(c.css('#f-status')).options]
    check('waiting' in opts and 'paused' in opts, 'waiting and paused '
          'offered: %s' % opts)
    Select(c.css('#f-status')).select_by_value('waiting')
    c.css('#f-apply').click()
    c.wait(lambda: 'status=waiting' in c.d.current_url, 'status=waiting')
    c.wait(lambda: not c.csss('#exec-rows tr[data-id="%s"]' % eid) and
           (c.csss('#exec-rows tr[data-id]') == [] or
            all('waiting' in r.text
                for r in c.csss('#exec-rows tr[data-id]'))),
           'no paused row under waiting')
    # A reader (same user, workflow:read only) gets no pause or resume.
    reader = c.mint('alice', 'workflow:read')
    c.signed_in(reader)
    c.go('#/executions/' + eid)
    c.wait(lambda: c.text_of('#exec-status').endswith('paused'),
           'the page as a reader')
    check(not c.csss('#act-resume') and not c.csss('#act-pause'),
          'no pause or resume without workflow:execute')
    # Back as alice: resume.
    c.signed_in()
    c.go('#/executions/' + eid)
    c.wait(lambda: c.csss('#act-resume'), 'the resume button again')
    c.css('#act-resume').click()
    c.wait(lambda: 'Resumed: console-pause is' in c.text_of('#action-msg'),
           'the confirmation of the resume')
    c.wait(lambda: c.text_of('#exec-status').endswith('running') or
           c.text_of('#exec-status').endswith('pending'),
           'running again')
    c.wait(lambda: c.csss('#act-pause'), 'pause offered again')
    c.call('POST', '/workflow-management/executions/%s/cancel' % eid, {})


TEMPFAIL = {
    'name': 'console-tempfail',
    'steps': [
        {'id': 'flaky', 'type': 'command', 'handler': 'tempfail-twice',
         'retry': {'max_attempts': 3, 'initial_interval_ms': 300,
                   'max_interval_ms': 300}},
        {'id': 'done', 'type': 'transform', 'output': {'ok': True},
         'depends_on': ['flaky']},
    ],
}


def t_attempts_timeline(c):
    """The timeline shows every attempt of a step that failed twice."""
    tid = c.template(TEMPFAIL)
    eid = c.execute(tid, {}, 'console-attempts')
    for _ in range(100):
        doc = c.exec_doc(eid)
        if doc['status'] not in ('pending', 'running'):
            break
        time.sleep(0.2)
    check(doc['status'] == 'completed', 'completed: %s' % doc['status'])
    hist = [st for st in doc['steps']
            if st['step_id'] == 'flaky'][0]['attempt_history']
    check([a['attempt'] for a in hist] == [1, 2, 3], 'three attempts')
    c.signed_in()
    c.go('#/executions/' + eid)
    c.wait(lambda: c.csss('#gantt rect.bar'), 'the timeline')
    bars = c.csss('#gantt rect.bar[data-step="flaky"]')
    check([b.get_attribute('data-attempt') for b in bars] == ['1', '2', '3'],
          'one bar per attempt: %s' %
          [b.get_attribute('data-attempt') for b in bars])
    cls = [b.get_attribute('class') for b in bars]
    check('st-failed' in cls[0] and 'st-failed' in cls[1] and
          'st-completed' in cls[2], 'failed, failed, completed: %s' % cls)
    check(len(c.csss('#gantt rect.bar[data-step="done"]')) == 1,
          'one bar for the step that ran once')
    xs = [float(b.get_attribute('x')) for b in bars]
    check(xs == sorted(xs), 'attempts in time order')
    tips = c.js("return [...document.querySelectorAll("
                "'#gantt rect.bar[data-step=\"flaky\"] title')]"
                ".map(t => t.textContent)")
    check('attempt 1, failed (exit_status' in tips[0], 'the first '
          'attempt\'s error in its tooltip: %s' % tips[0])
    check('attempt 3, succeeded' in tips[2], 'the third succeeded')
    check('3 attempts' in c.text_of('#gantt'), 'the attempt count')
    # The step panel lists the attempts.
    c.css('#sum-flaky').click()
    c.css('#att-flaky summary').click()
    check('"attempt": 2' in c.css('#att-flaky pre').text,
          'the attempts in the panel')
    c.page('execution-attempts')


APPROVE = {
    'name': 'console-approve',
    'steps': [
        {'id': 'first', 'type': 'transform', 'output': {'a': 1}},
        {'id': 'approve', 'type': 'wait', 'signal': 'approval',
         'approvers': {'roles': ['finance:approve']}, 'timeout_seconds': 3600,
         'depends_on': ['first']},
        {'id': 'legal', 'type': 'wait', 'signal': 'legal',
         'approvers': {'roles': ['legal:approve']}, 'timeout_seconds': 3600,
         'depends_on': ['approve']},
    ],
}


def wait_step(c, eid, step, status, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        doc = c.exec_doc(eid)
        st = [x for x in doc['steps'] if x['step_id'] == step][0]
        if st['status'] == status:
            return doc, st
        time.sleep(0.2)
    raise Failure('step %s never %s: %s' % (step, status, st['status']))


def t_approve_wait_step(c):
    """A waiting wait step shows what it waits for and its deadline; the
    Approve action only for its approvers (via the Approvals page), with
    403, 413 and 409 shown in the form; the step takes the payload."""
    tid = c.template(APPROVE)
    eid = c.execute(tid, {}, 'console-approve')
    doc, st = wait_step(c, eid, 'approve', 'waiting')
    path = '/workflow-management/executions/%s' % eid
    # The owner (workflow:execute, not an approver): no Approve button,
    # but the panel says what the step waits for and until when.
    c.signed_in()
    c.go('#/executions/' + eid)
    c.wait(lambda: c.text_of('#exec-status').endswith('waiting'),
           'the execution waiting')
    c.wait(lambda: c.css('#node-approve').get_attribute('data-status') ==
           'waiting', 'the node waiting')
    check('st-waiting' in c.css('#node-approve').get_attribute('class'),
          'the node coloured as waiting')
    check('waiting' in c.css('#node-approve').get_attribute('aria-label'),
          'the state in words')
    check(not c.csss('#act-signal-approve'), 'no Approve for the owner')
    c.css('#sum-approve').click()
    check(c.text_of('#wf-approve') == 'the signal “approval” from a holder '
          'of finance:approve (or an admin)', 'waits for: ' +
          c.text_of('#wf-approve'))
    dl = st['wait_deadline']
    check(dl and c.text_of('#wd-approve') ==
          dl.replace('T', ' ').split('.')[0] + 'Z',
          'the deadline %s vs %s' % (c.text_of('#wd-approve'), dl))
    c.js("document.getElementById('step-approve').scrollIntoView()")
    c.page('execution-waiting')
    # The approver: only finance:approve. The menu's Approvals page
    # lists the step and links to the execution.
    bob = c.mint('bob', 'finance:approve')
    c.go('#token=' + bob)
    c.wait(lambda: c.csss('#signin-form') or c.csss('#exec-rows'),
           'a page as bob')
    c.css('[data-nav="approvals"]').click()
    c.wait(lambda: c.csss('#appr-rows tr[data-id="%s"]' % eid),
           'the waiting step in the approvals list')
    rows = c.csss('#appr-rows tr[data-id]')
    st_a, appr = c.call('GET', '/workflow-management/approvals', token=bob)
    check(st_a == 200 and len(rows) == len(appr['items']),
          'one row per approval: %d vs %s' % (len(rows), appr))
    row = c.css('#appr-rows tr[data-id="%s"]' % eid)
    check(row.get_attribute('data-step') == 'approve', 'the step')
    check(row.find_element(By.CSS_SELECTOR, '.signal').text == 'approval',
          'the signal')
    check(row.find_element(By.CSS_SELECTOR, '.approvers').text ==
          'roles: finance:approve', 'the approvers')
    check(row.find_element(By.CSS_SELECTOR, '.deadline').text ==
          dl.replace('T', ' ').split('.')[0] + 'Z', 'the deadline')
    check(c.css('[data-nav="approvals"]').get_attribute('aria-current') ==
          'page', 'the menu marks Approvals')
    c.page('approvals')
    row.find_element(By.CSS_SELECTOR, 'a').click()
    c.wait(lambda: c.csss('#act-signal-approve'), 'the Approve button')
    c.css('#live-toggle').click()
    c.css('#act-signal-approve').click()
    c.wait(lambda: c.csss('#signal-form'), 'the approve form')
    check(c.css('#signal-name').get_attribute('value') == 'approval',
          'the signal name filled in')
    check(c.js('return document.activeElement.id') == 'signal-payload',
          'the focus on the payload')
    c.page('execution-approve-form')
    # Not JSON: said next to the field, nothing sent.
    c.css('#signal-payload').send_keys('{oops')
    c.css('#signal-send').click()
    c.wait(lambda: 'Not JSON' in c.text_of('#signal-payload-err'),
           'the JSON error')
    check(c.css('#signal-payload').get_attribute('aria-invalid') == 'true',
          'the field marked invalid')
    # 413: a payload over 256 KiB.
    c.js("document.getElementById('signal-payload').value ="
         " JSON.stringify({x: 'a'.repeat(270000)})")
    c.css('#signal-send').click()
    c.wait(lambda: 'HTTP 413' in c.text_of('#signal-result'), 'the 413')
    check(c.text_of('#signal-result').startswith('Too large: payload is'),
          '413 in words: ' + c.text_of('#signal-result'))
    # 403: the other signal, whose approvers bob is not.
    c.css('#signal-payload').clear()
    c.css('#signal-name').clear()
    c.css('#signal-name').send_keys('legal')
    c.css('#signal-send').click()
    c.wait(lambda: c.text_of('#signal-result').startswith('Not allowed:'),
           'the 403')
    check('Only the approvers' in c.text_of('#signal-result'), '403 said')
    check(c.exec_doc(eid)['steps'][1]['status'] == 'waiting',
          'still waiting after the refusals')
    # Approve with a payload: the step takes it, signalled_by bob.
    c.css('#signal-name').clear()
    c.css('#signal-name').send_keys('approval')
    c.css('#signal-payload').send_keys('{"ok": true, "note": "%s"}' % PROBE)
    c.css('#signal-send').click()
    c.wait(lambda: 'Signal approval sent: step approve is approved.' in
           c.text_of('#action-msg'), 'the confirmation')
    check(not c.csss('#signal-form'), 'the form closed')
    doc, st = wait_step(c, eid, 'approve', 'completed')
    check(st['output'] == {'ok': True, 'note': PROBE} and
          st['signalled_by'] == 'bob', 'the step: %s' % st)
    check(not c.csss('img'), 'the payload is text')
    # 409: the execution ended before the form was sent.
    c.signed_in()
    admin = c.mint('root-user', 'admin')
    c.go('#token=' + admin)
    c.wait(lambda: c.csss('#exec-rows'), 'a page as admin')
    c.go('#/executions/' + eid)
    c.wait(lambda: c.csss('#act-signal-legal'), 'Approve legal (admin)')
    c.css('#live-toggle').click()
    c.css('#act-signal-legal').click()
    c.wait(lambda: c.csss('#signal-form'), 'the form')
    st_c, _ = c.call('POST', path + '/cancel', {}, token=admin)
    check(st_c == 202 or st_c == 200, 'cancel: %s' % st_c)
    c.css('#signal-send').click()
    c.wait(lambda: 'HTTP 409' in c.text_of('#signal-result'), 'the 409')
    check(c.text_of('#signal-result').startswith('Not sent:'), '409 said')
    c.css('#signal-close').click()
    c.page('execution-approved')
    # Nothing left for bob: the list says so.
    c.go('#token=' + bob)
    c.wait(lambda: c.csss('#exec-rows') or c.csss('#list-msg'), 'bob')
    c.go('#/approvals')
    c.wait(lambda: c.text_of('#appr-empty') ==
           'Nothing is waiting for you.', 'the empty approvals list')
    check(not c.csss('#appr-rows tr'), 'no rows')
    c.signed_in()


def t_signal_rights(c):
    """Without approvers: Approve for the owner with workflow:execute and
    for an admin, not for the owner's read-only token; with
    exclude_owner not for the owner even as admin. Approving works from
    the keyboard alone."""
    tid = c.template({'name': 'console-own-wait', 'steps': [
        {'id': 'ok', 'type': 'wait', 'signal': 'go', 'timeout_seconds': 600},
        {'id': 'other', 'type': 'wait', 'signal': 'other',
         'approvers': {'exclude_owner': True}, 'timeout_seconds': 600}]})
    eid = c.execute(tid, {}, 'console-own-wait')
    wait_step(c, eid, 'ok', 'waiting')
    wait_step(c, eid, 'other', 'waiting')
    reader = c.mint('alice', 'workflow:read')
    c.signed_in(reader)
    c.go('#/executions/' + eid)
    c.wait(lambda: c.text_of('#exec-status').endswith('waiting'), 'page')
    check(not c.csss('[id^="act-signal-"]'), 'no Approve when read-only')
    owner_admin = c.mint('alice', 'admin')
    c.go('#token=' + owner_admin)
    c.wait(lambda: c.csss('#exec-rows'), 'a page as alice the admin')
    c.go('#/executions/' + eid)
    c.wait(lambda: c.csss('#act-signal-ok'), 'Approve ok for an admin')
    check(not c.csss('#act-signal-other'), 'exclude_owner: not the owner')
    c.signed_in()
    c.go('#/executions/' + eid)
    c.wait(lambda: c.csss('#act-signal-ok'), 'Approve ok for the owner')
    check(not c.csss('#act-signal-other'), 'exclude_owner, owner: none')
    c.css('#live-toggle').click()
    c.css('#sum-other').click()
    check(c.text_of('#wf-other') == 'the signal “other” from an admin, '
          'not the owner', 'waits for: ' + c.text_of('#wf-other'))
    # Keyboard: focus Approve, Enter, type the payload, Enter on Approve.
    c.js("document.getElementById('act-signal-ok').focus()")
    c.d.switch_to.active_element.send_keys(Keys.ENTER)
    c.wait(lambda: c.js('return document.activeElement.id') ==
           'signal-payload', 'the focus in the payload')
    c.d.switch_to.active_element.send_keys('[1, 2]')
    c.d.switch_to.active_element.send_keys(Keys.TAB)
    check(c.js('return document.activeElement.id') == 'signal-send',
          'Tab reaches Approve')
    c.d.switch_to.active_element.send_keys(Keys.ENTER)
    c.wait(lambda: 'Signal go sent: step ok is approved.' in
           c.text_of('#action-msg'), 'the confirmation')
    c.wait(lambda: c.js('return document.activeElement.tagName') ==
           'BUTTON', 'the focus back on an action')
    doc, st = wait_step(c, eid, 'ok', 'completed')
    check(st['output'] == [1, 2] and st['signalled_by'] == 'alice',
          'the step: %s' % st)
    c.call('POST', '/workflow-management/executions/%s/cancel' % eid, {})


def t_approvals_paged(c):
    """More waiting steps than one page of the Approvals page: Older
    follows the API's next_cursor to the rest, live updates stay on that
    page, Newer comes back; each page holds the API's rows in its order."""
    c.signed_in()
    page = c.d.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "import(new URL('js/approvals.js', document.baseURI).href)"
        ".then(function (m) { done(m.PAGE); }, function (e) {"
        " done(String(e)); });")
    check(isinstance(page, int) and 0 < page < 90, 'PAGE: %s' % page)
    n = page + 3
    tid = c.template({'name': 'console-approvals-paged', 'steps': [
        {'id': 'w%03d' % i, 'type': 'wait', 'signal': 'go',
         'approvers': {'roles': ['pager:approve']}, 'timeout_seconds': 600}
        for i in range(n)]})
    eid = c.execute(tid, {}, 'console-approvals-paged')
    pager = c.mint('pager', 'pager:approve')
    # The API's pages, once every step waits.
    end = time.time() + 20
    while True:
        pages, cur = [], None
        while True:
            q = '?limit=%d' % page + ('&cursor=' + cur if cur else '')
            st, body = c.call('GET', '/workflow-management/approvals' + q,
                              token=pager)
            check(st == 200, 'GET approvals: %s %s' % (st, body))
            pages.append([(a['execution_id'], a['step_id'])
                          for a in body['items']])
            cur = body.get('next_cursor')
            if not cur:
                break
        if sum(len(p) for p in pages) == n or time.time() > end:
            break
        time.sleep(0.3)
    check([len(p) for p in pages] == [page, 3],
          'the API pages %d waiting steps as %s' %
          (n, [len(p) for p in pages]))

    def rows():
        return [(r.get_attribute('data-id'), r.get_attribute('data-step'))
                for r in c.csss('#appr-rows tr[data-id]')]

    c.go('#token=' + pager)
    c.wait(lambda: c.csss('#exec-rows') or c.csss('#list-msg'), 'pager')
    c.go('#/approvals')
    c.wait(lambda: rows() == pages[0], 'the first page: %s' % pages[0])
    c.wait(lambda: c.css('#appr-next').is_enabled(), 'Older offered')
    check(not c.css('#appr-prev').is_enabled(), 'no Newer on page 1')
    check(c.text_of('#appr-page') == 'Page 1', 'page 1')
    c.css('#appr-next').click()
    c.wait(lambda: rows() == pages[1], 'the second page: %s' % pages[1])
    c.wait(lambda: c.text_of('#appr-page') == 'Page 2', 'page 2')
    check(not c.css('#appr-next').is_enabled(), 'nothing older')
    check(c.css('#appr-prev').is_enabled(), 'Newer offered')
    check(c.js('return document.activeElement.id') == 'appr-prev',
          'the focus moved to Newer')
    check(not c.csss('#appr-empty'), 'no empty-list sentence')
    c.page('approvals-page-2')
    # Two live updates later: still the second page.
    time.sleep(4.5)
    check(rows() == pages[1], 'live updates keep page 2: %s' % rows())
    c.css('#appr-prev').click()
    c.wait(lambda: rows() == pages[0], 'back on the first page')
    c.wait(lambda: c.text_of('#appr-page') == 'Page 1', 'page 1 again')
    st, _ = c.call('POST', '/workflow-management/executions/%s/cancel' % eid,
                   {})
    check(st in (200, 202), 'cancel: %s' % st)
    c.wait(lambda: c.text_of('#appr-empty') == 'Nothing is waiting for you.',
           'the empty list once cancelled', timeout=15)
    c.signed_in()


# Draws text with the page's font on a canvas and answers its alpha
# channel; a glyph no font has draws as the tofu box of U+0378 (a code
# point that is not assigned, so no font has it).
GLYPH_PROBE = """
var done = arguments[arguments.length - 1];
var fam = getComputedStyle(arguments[0]).fontFamily;
function ink(ch) {
    var cv = document.createElement('canvas');
    cv.width = 48; cv.height = 48;
    var g = cv.getContext('2d');
    g.font = '32px ' + fam;
    g.textBaseline = 'top';
    g.fillText(ch, 6, 6);
    var d = g.getImageData(0, 0, 48, 48).data, a = [];
    for (var i = 3; i < d.length; i += 4) a.push(d[i]);
    return a.join(',');
}
var tofu = ink('\u0378'), blank = ink(' ');
Promise.all(['index.html', 'css/app.css'].concat(
    [].map.call(document.querySelectorAll('link[rel=modulepreload]'),
        function (l) { return l.getAttribute('href'); }), ['js/main.js'])
    .map(function (f) { return fetch(f).then(function (r) {
        return r.text(); }); }))
.then(function (texts) {
    return import(new URL('js/util.js', document.baseURI).href)
    .then(function (u) {
        var chars = {}, bad = [];
        texts.join('').replace(/[^\x00-\x7f]/gu, function (ch) {
            chars[ch] = 1; return ch; });
        Object.values(u.STATUS_ICON).forEach(function (ch) {
            chars[ch] = 1; });
        Object.keys(chars).forEach(function (ch) {
            var p = ink(ch);
            if (p === tofu || p === blank)
                bad.push(ch + ' U+' + ch.codePointAt(0).toString(16));
        });
        done({n: Object.keys(chars).length, bad: bad,
              icons: Object.values(u.STATUS_ICON), tofu: tofu !== blank});
    });
}).catch(function (e) { done({error: String(e)}); });
"""


def t_glyphs_render(c):
    """Every non-ASCII character of the console's files, and every status
    icon, draws with a real glyph of the fonts at hand (a bare Debian's),
    not as the empty box of a character no font has."""
    c.signed_in()
    badge = c.wait(lambda: c.csss('#exec-rows .status span'), 'a badge')[0]
    r = c.d.execute_async_script(GLYPH_PROBE, badge)
    check('error' not in r, 'probe: %s' % r.get('error'))
    check(r['tofu'], 'the missing glyph box is drawn at all')
    check(r['n'] >= len(r['icons']) >= 9, 'characters checked: %s' % r)
    check(not r['bad'], 'drawn as an empty box: %s' % ', '.join(r['bad']))
    w = badge.size['width']
    check(w > 0, 'the icon is %s px wide' % w)


MAP_ITEMS = 25
MAP = {
    'name': 'console-map',
    'steps': [
        {'id': 'each', 'type': 'map', 'items': '{{ input.items }}',
         'max_concurrency': 5,
         'step': {'type': 'transform', 'when': '{{ index % 5 != 4 }}',
                  'output': {'v': '{{ item }}'}}},
    ],
}


def t_map_iterations(c):
    """A map step's panel shows items_total, counts per status and pages
    its iterations from the iterations endpoint."""
    tid = c.template(MAP)
    eid = c.execute(tid, {'items': ['i%d' % i for i in range(MAP_ITEMS)]},
                    'console-map')
    doc, st = wait_step(c, eid, 'each', 'completed', 20)
    check(st['items_total'] == MAP_ITEMS, 'items_total %s' % st)
    counts = st['iteration_counts']
    check(counts['completed'] == 20 and counts['skipped'] == 5 and
          sum(counts.values()) == MAP_ITEMS, 'counts %s' % counts)
    c.signed_in()
    c.go('#/executions/' + eid)
    c.wait(lambda: c.csss('#node-each'), 'the graph')
    c.wait(lambda: '%d/%d' % (MAP_ITEMS, MAP_ITEMS) in
           c.css('#node-each').get_attribute('aria-label'),
           'done/total on the node')
    c.css('#sum-each').click()
    check(c.text_of('#items-each') == '%d/%d done' % (MAP_ITEMS, MAP_ITEMS),
          'items: ' + c.text_of('#items-each'))
    want = ', '.join('%s %d' % (k, n) for k, n in counts.items() if n)
    check(c.text_of('#counts-each') == want and 'skipped 5' in want,
          'counts: %s vs %s' % (c.text_of('#counts-each'), want))
    c.wait(lambda: len(c.csss('#iter-rows-each tr')) == 20, 'a first page')
    idx = [r.get_attribute('data-index') for r in c.csss('#iter-rows-each tr')]
    check(idx == [str(i) for i in range(20)], 'indexes %s' % idx)
    r0 = c.css('#iter-rows-each tr[data-index="3"]').text
    check('completed' in r0 and '{"v":"i3"}' in r0, 'row 3: %s' % r0)
    r4 = c.css('#iter-rows-each tr[data-index="4"]').text
    check('skipped' in r4 and r4.endswith('null'), 'row 4: %s' % r4)
    check(c.text_of('#iter-page-each') == 'Page 1', 'page 1')
    check(not c.csss('#iter-prev-each'), 'no previous on page 1')
    c.js("document.getElementById('iters-each').scrollIntoView()")
    c.page('execution-map')
    c.css('#iter-next-each').click()
    c.wait(lambda: c.text_of('#iter-page-each') == 'Page 2', 'page 2')
    idx = [r.get_attribute('data-index') for r in c.csss('#iter-rows-each tr')]
    check(idx == [str(i) for i in range(20, MAP_ITEMS)], 'page 2: %s' % idx)
    check(not c.csss('#iter-next-each'), 'no next on the last page')
    check(c.js('return document.activeElement.id') == 'iter-page-each',
          'the focus kept in the pager')
    c.css('#iter-prev-each').click()
    c.wait(lambda: c.text_of('#iter-page-each') == 'Page 1', 'back to 1')
    check(len(c.csss('#iter-rows-each tr')) == 20, '20 rows again')


CHILD = {
    'name': 'console-child',
    'steps': [{'id': 'c1', 'type': 'transform',
               'output': {'got': '{{ input.n }}'}}],
}


def t_workflow_links(c):
    """A workflow step links to its child execution; the child links
    back to its parent."""
    child_tid = c.template(CHILD)
    tid = c.template({'name': 'console-parent', 'steps': [
        {'id': 'call_child', 'type': 'workflow', 'template_id': child_tid,
         'input': {'n': 7}}]})
    eid = c.execute(tid, {}, 'console-parent')
    doc, st = wait_step(c, eid, 'call_child', 'completed', 20)
    kid = st['child_execution_id']
    check(kid, 'a child: %s' % st)
    c.signed_in()
    c.go('#/executions/' + eid)
    c.wait(lambda: c.csss('#sum-call_child'), 'the step panel')
    c.css('#sum-call_child').click()
    check(c.text_of('#child-call_child') == kid, 'the child id')
    c.css('#child-call_child').click()
    c.wait(lambda: c.text_of('#parent-link') == eid, 'the parent link')
    check(c.exec_doc(kid)['parent_execution_id'] == eid, 'the API agrees')
    c.page('execution-child')
    c.css('#parent-link').click()
    c.wait(lambda: c.text_of('#exec-title') == 'console-parent',
           'back on the parent')
    check(not c.csss('#parent-link'), 'no parent of the parent')


TESTS = [t_signin_form, t_fragment_token, t_first_visit_size,
         t_list_live_and_pause, t_filters_and_paging, t_stale_page_dropped,
         t_execution_live,
         t_cancel_retry, t_template_form, t_xss_probe, t_forbidden,
         t_unauthorized_midsession, t_keyboard, t_schedules,
         t_system, t_narrow, t_graph_100, t_template_versions,
         t_modules_preloaded, t_template_versions_paged, t_pause_resume,
         t_attempts_timeline, t_approve_wait_step, t_signal_rights,
         t_map_iterations,
         t_workflow_links, t_approvals_paged, t_glyphs_render,
         t_browser_log_clean]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--url', required=True)
    ap.add_argument('--base', default='/api/v1')
    ap.add_argument('--conf', required=True)
    ap.add_argument('--bin', required=True)
    ap.add_argument('--shots', required=True)
    ap.add_argument('only', nargs='*')
    args = ap.parse_args()
    c = Ctx(args)
    passed = failed = 0
    try:
        setup(c)
        for t in TESTS:
            if args.only and t.__name__ not in args.only:
                continue
            t0 = time.time()
            try:
                t(c)
                passed += 1
                print('ok   %s (%.1f s)' % (t.__name__, time.time() - t0),
                      flush=True)
            except Exception as e:
                failed += 1
                print('FAIL %s: %s' % (t.__name__, e), flush=True)
                if not isinstance(e, Failure):
                    traceback.print_exc()
                try:
                    c.shot('FAIL-' + t.__name__)
                except Exception:
                    pass
    finally:
        c.d.quit()
        subprocess.run(['rm', '-rf', c.profile], check=False)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == '__main__':
    sys.exit(main())
