-- A deleted audience's syncs: its cursors end with it.
DELETE FROM audience_syncs WHERE audience = {audience:String}
