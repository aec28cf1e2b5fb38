// Marks the page as having JavaScript before it is drawn, as GOV.UK Frontend's components expect.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
