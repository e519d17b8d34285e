// Fills startup-error.html from its query string (set by the app shell). Text only: nothing from
// the URL is ever parsed as HTML.
(function () {
  var q = new URLSearchParams(window.location.search);
  var fields = {
    'startup-error-id': q.get('id'),
    'startup-error-en': q.get('en'),
    'startup-error-code': q.get('code'),
    'startup-error-detail': q.get('detail'),
  };
  Object.keys(fields).forEach(function (testid) {
    var value = fields[testid];
    var el = document.querySelector('[data-testid="' + testid + '"]');
    if (el && value) el.textContent = value;
  });
})();
