-- A deleted audience's membership log: its cursors end with it.
DELETE FROM audience_moves WHERE audience = {audience:String}
