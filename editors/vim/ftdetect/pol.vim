au BufRead,BufNewFile *.pol setfiletype pol
