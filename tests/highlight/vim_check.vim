" Checks editors/vim/syntax/pol.vim on sample.pol (the syntax group at the
" first occurrence of each text) and on every keyword spelling of the lexer
" (run by ctest: vim -u NONE -es -S this file).
set nocompatible
let s:root = expand('<sfile>:p:h:h:h')
let &runtimepath = s:root . '/editors/vim,' . &runtimepath
filetype on
syntax on
execute 'edit ' . s:root . '/tests/highlight/sample.pol'
let s:want = [['政策', 'polDeclaration'], ['如果', 'polConditional'], ['否则', 'polConditional'],
      \ ['依据', 'polKeyword'], ['且', 'polOperatorWord'], ['不适用', 'polConstant'], ['假', 'polBoolean'],
      \ ['5%', 'polPercent'], ['4416.5元', 'polMoney'], ['3个月', 'polDuration'], ['2025-09', 'polMonth'],
      \ ['2025-10-01', 'polDate'], ['舍入', 'polFunction'], ['四舍五入', 'polRounding'], ['比例', 'polType'],
      \ ['“全角引号”', 'polString'], ['# 样例', 'polComment'], ['（', 'polPunct'], ['当月', '']]
let s:fail = []
if &filetype !=# 'pol'
  call add(s:fail, 'filetype is "' . &filetype . '", not pol (ftdetect)')
endif
for [s:text, s:group] in s:want
  call cursor(1, 1)
  let s:pos = searchpos('\V' . escape(s:text, '\'), 'cW')
  let s:got = s:pos[0] ? synIDattr(synID(s:pos[0], s:pos[1], 1), 'name') : '(not found)'
  if s:got !=# s:group
    call add(s:fail, s:text . ': ' . s:got . ', expected ' . (s:group ==# '' ? 'no group' : s:group))
  endif
endfor
" every spelling of the lexer's keyword table (grammar/lexer.l) is a keyword
" (or a constant), as test.js checks for the TextMate grammar
let s:spellings = []
let s:in = 0
for s:l in readfile(s:root . '/grammar/lexer.l')
  if s:l =~# '^const pol_keyword pol_keywords\[\] = {'
    let s:in = 1
  elseif s:in && s:l =~# '^};'
    break
  elseif s:in
    let s:m = matchlist(s:l, '{"\([^"]\+\)", "\([^"]\+\)"}')
    if !empty(s:m)
      call add(s:spellings, s:m[1])
    endif
  endif
endfor
if len(s:spellings) < 80
  call add(s:fail, 'only ' . len(s:spellings) . ' keywords read from lexer.l')
endif
let s:groups = ['polDeclaration', 'polConditional', 'polOperatorWord', 'polKeyword', 'polBoolean', 'polConstant']
enew
setlocal filetype=pol
for s:k in s:spellings
  call setline(1, 'x ' . s:k . ' y')
  let s:got = synIDattr(synID(1, 3, 1), 'name')
  if index(s:groups, s:got) < 0
    call add(s:fail, 'keyword ' . s:k . ': ' . (s:got ==# '' ? 'no group' : s:got))
  endif
endfor
call writefile(s:fail + [len(s:want) . ' sample texts and ' . len(s:spellings) . ' keyword spellings checked, ' . len(s:fail) . ' failed'], $POL_VIM_OUT)
execute (len(s:fail) ? 'cquit' : 'qall!')
