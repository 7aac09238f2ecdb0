-- Drives the Stride language server from headless Neovim 0.7 and writes the diagnostics and hover it saw as JSON.
-- Inputs come from the environment: STRIDE_NVIM_CMD (JSON array), STRIDE_NVIM_FILE, STRIDE_NVIM_OUT,
-- STRIDE_NVIM_HOVER_LINE and STRIDE_NVIM_HOVER_COL (0-based, UTF-16 = bytes for ASCII fixtures).

local result = { diagnostics = {}, errors = {} }

local function write_result()
  local file = assert(io.open(os.getenv('STRIDE_NVIM_OUT'), 'w'))
  file:write(vim.fn.json_encode(result))
  file:close()
end

-- Neovim 0.7 copies the LSP code onto the diagnostic; user_data keeps the original as a fallback.
local function lsp_code(d)
  if d.code ~= nil then return d.code end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code or vim.NIL
end

local function collect_diagnostics(bufnr)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, {
      code = lsp_code(d), line = d.lnum, col = d.col, end_line = d.end_lnum, end_col = d.end_col,
      severity = d.severity, message = d.message,
    })
  end
end

local function hover_text(bufnr, client_id)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = tonumber(os.getenv('STRIDE_NVIM_HOVER_LINE')), character = tonumber(os.getenv('STRIDE_NVIM_HOVER_COL')) },
  }
  local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, 5000)
  assert(responses, 'hover request failed: ' .. tostring(err))
  local response = responses[client_id]
  assert(response and response.result, 'no hover result: ' .. vim.inspect(response))
  local contents = response.result.contents
  -- MarkupContent, MarkedString or a list of them: flatten to plain text.
  return table.concat(vim.lsp.util.convert_input_to_markdown_lines(contents), '\n')
end

local function probe()
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('STRIDE_NVIM_FILE')))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'stride',
    cmd = vim.fn.json_decode(os.getenv('STRIDE_NVIM_CMD')),
    root_dir = vim.fn.expand('%:p:h'),
    on_exit = function(code) result.server_exit = code end,
  })
  assert(client_id, 'vim.lsp.start_client failed')
  assert(vim.lsp.buf_attach_client(bufnr, client_id), 'buf_attach_client failed')
  -- vim.wait runs the event loop until the server has published diagnostics for this buffer.
  local published = vim.wait(10000, function() return #vim.diagnostic.get(bufnr) > 0 end, 10)
  assert(published, 'no diagnostics published within 10 s')
  collect_diagnostics(bufnr)
  result.hover = hover_text(bufnr, client_id)
  vim.lsp.stop_client(client_id)
end

local ok, err = pcall(probe)
if not ok then table.insert(result.errors, tostring(err)) end
write_result()
vim.cmd('qall!')
