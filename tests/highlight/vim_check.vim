" Checks editors/vim/syntax/pol.vim on sample.pol: the syntax group at the
" first occurrence of each text (run by ctest: vim -u NONE -es -S this file).
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
call writefile(s:fail + [len(s:want) . ' checked, ' . len(s:fail) . ' failed'], $POL_VIM_OUT)
execute (len(s:fail) ? 'cquit' : 'qall!')
