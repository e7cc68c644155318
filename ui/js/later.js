// Puts the markup the first paint left out (the editor, the other views, the dialogs; kept in
// `<template data-later>` in index.html) into the page. main.js imports it first, so every module
// that looks an element up at its top level finds it.
for (const tpl of document.querySelectorAll('template[data-later]')) tpl.replaceWith(tpl.content);
